/* Leaving uid 0 (every one of real, effective and saved uid) clears the
 * permitted and effective capability sets; with PR_SET_KEEPCAPS the
 * permitted set stays and only the effective set is cleared. Without
 * privileges, directed signals to a root process are EPERM (tgkill,
 * sigqueue). Changes credentials in children: basic_weftonly. Checked on
 * Linux 6.1 in QEMU. */
#include "t.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* <linux/capability.h>, which musl-gcc does not ship. */
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
struct __user_cap_header_struct { unsigned int version; int pid; };
struct __user_cap_data_struct { unsigned int effective, permitted, inheritable; };

#define EXPECT(cond, code) do { if (!(cond)) _exit(code); } while (0)

static void get_caps(struct __user_cap_data_struct d[2]) {
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    if (syscall(SYS_capget, &h, d) != 0)
        _exit(50);
}

static int run(void (*body)(pid_t), pid_t parent) {
    pid_t child = fork();
    if (child == 0) {
        body(parent);
        _exit(0);
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static void plain_setuid(pid_t parent) {
    struct __user_cap_data_struct d[2];
    EXPECT(setuid(1000) == 0, 2);
    get_caps(d);
    EXPECT(d[0].effective == 0 && d[0].permitted == 0 && d[1].effective == 0 && d[1].permitted == 0, 3);
    EXPECT(prctl(PR_CAPBSET_READ, 0) == 1, 4);
    EXPECT(syscall(SYS_tgkill, parent, parent, 0) == -1 && errno == EPERM, 5);
    union sigval v = {0};
    EXPECT(sigqueue(parent, SIGUSR1, v) == -1 && errno == EPERM, 6);
}

static void keepcaps_setresuid(pid_t parent) {
    (void)parent;
    struct __user_cap_data_struct d[2];
    EXPECT(prctl(PR_SET_KEEPCAPS, 1) == 0, 12);
    EXPECT(setresuid(1000, 1000, 1000) == 0, 13);
    EXPECT(prctl(PR_GET_KEEPCAPS) == 1, 14);
    get_caps(d);
    EXPECT(d[0].effective == 0 && d[1].effective == 0, 15);
    EXPECT(d[0].permitted == 0xffffffffu && d[1].permitted == 0x1ff, 16);
}

int main(void) {
    CHECK_EQ(run(plain_setuid, getpid()), 0);
    CHECK_EQ(run(keepcaps_setresuid, getpid()), 0);
    PASS();
}
