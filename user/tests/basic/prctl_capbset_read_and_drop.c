/* PR_CAPBSET_READ answers 1 for every capability root has (0 ..
 * CAP_LAST_CAP = 40) and EINVAL past it. PR_CAPBSET_DROP as root removes
 * one (READ then says 0; EINVAL past 40), and without CAP_SETPCAP in the
 * effective set it is EPERM, checked before the number. Done in a child.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* <linux/capability.h>, which musl-gcc does not ship. */
#define _LINUX_CAPABILITY_VERSION_1 0x19980330
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_CHOWN 0
#define CAP_KILL 5
#define CAP_SETPCAP 8
#define CAP_NET_RAW 13
struct __user_cap_header_struct { unsigned int version; int pid; };
struct __user_cap_data_struct { unsigned int effective, permitted, inheritable; };

#define EXPECT(cond, code) do { if (!(cond)) _exit(code); } while (0)

int main(void) {
    for (int cap = 0; cap <= 40; cap++)
        CHECK_EQ(prctl(PR_CAPBSET_READ, cap), 1);
    CHECK_ERR(prctl(PR_CAPBSET_READ, 41), EINVAL);
    CHECK_ERR(prctl(PR_CAPBSET_READ, -1L), EINVAL);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        EXPECT(prctl(PR_CAPBSET_DROP, CAP_NET_RAW) == 0, 2);
        EXPECT(prctl(PR_CAPBSET_READ, CAP_NET_RAW) == 0, 3);
        EXPECT(prctl(PR_CAPBSET_READ, CAP_SETPCAP) == 1, 4);
        EXPECT(prctl(PR_CAPBSET_DROP, 41) == -1 && errno == EINVAL, 5);
        /* Clear the effective set: no CAP_SETPCAP any more. */
        struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct d[2];
        EXPECT(syscall(SYS_capget, &h, d) == 0, 6);
        d[0].effective = d[1].effective = 0;
        EXPECT(syscall(SYS_capset, &h, d) == 0, 7);
        EXPECT(prctl(PR_CAPBSET_DROP, CAP_CHOWN) == -1 && errno == EPERM, 8);
        EXPECT(prctl(PR_CAPBSET_DROP, 41) == -1 && errno == EPERM, 9);
        EXPECT(prctl(PR_CAPBSET_READ, CAP_CHOWN) == 1, 10);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_EQ(prctl(PR_CAPBSET_READ, CAP_NET_RAW), 1);
    PASS();
}
