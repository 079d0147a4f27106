/* capget as root reports every capability (0..40: 0xffffffff and 0x1ff)
 * effective and permitted, none inheritable. A bad version is EINVAL with
 * _LINUX_CAPABILITY_VERSION_3 written back (and 0 with a NULL data
 * pointer, the version probe). Version 1 reads one 32-bit word. capset may
 * drop capabilities and capget then shows them gone; adding back is EPERM;
 * capset for another pid is EPERM. Drops happen in a child. Checked on
 * Linux 6.1 in QEMU. */
#include "t.h"
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
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    memset(d, 0xaa, sizeof d);
    CHECK_OK(syscall(SYS_capget, &h, d));
    CHECK_EQ(d[0].effective, 0xffffffffu);
    CHECK_EQ(d[0].permitted, 0xffffffffu);
    CHECK_EQ(d[0].inheritable, 0);
    CHECK_EQ(d[1].effective, 0x1ff);
    CHECK_EQ(d[1].permitted, 0x1ff);
    CHECK_EQ(d[1].inheritable, 0);

    h.version = 0x12345678;
    CHECK_ERR(syscall(SYS_capget, &h, d), EINVAL);
    CHECK_EQ(h.version, _LINUX_CAPABILITY_VERSION_3);
    h.version = 0x12345678;
    CHECK_OK(syscall(SYS_capget, &h, NULL));
    CHECK_EQ(h.version, _LINUX_CAPABILITY_VERSION_3);

    h.version = _LINUX_CAPABILITY_VERSION_1;
    memset(d, 0xaa, sizeof d);
    CHECK_OK(syscall(SYS_capget, &h, d));
    CHECK_EQ(d[0].effective, 0xffffffffu);
    CHECK_EQ(d[1].effective, 0xaaaaaaaau);

    h.version = _LINUX_CAPABILITY_VERSION_3;
    h.pid = -5;
    CHECK_ERR(syscall(SYS_capget, &h, d), EINVAL);
    h.pid = getppid();
    CHECK_ERR(syscall(SYS_capset, &h, d), EPERM);
    h.pid = 0;

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct __user_cap_data_struct c[2];
        EXPECT(syscall(SYS_capget, &h, c) == 0, 2);
        c[0].effective &= ~(1u << CAP_KILL);
        c[0].permitted &= ~(1u << CAP_KILL);
        EXPECT(syscall(SYS_capset, &h, c) == 0, 3);
        memset(c, 0, sizeof c);
        EXPECT(syscall(SYS_capget, &h, c) == 0, 4);
        EXPECT(c[0].effective == (0xffffffffu & ~(1u << CAP_KILL)), 5);
        EXPECT(c[0].permitted == (0xffffffffu & ~(1u << CAP_KILL)), 6);
        EXPECT(c[1].permitted == 0x1ff, 7);
        c[0].permitted |= 1u << CAP_KILL;
        EXPECT(syscall(SYS_capset, &h, c) == -1 && errno == EPERM, 8);
        c[0].permitted &= ~(1u << CAP_KILL);
        c[0].effective |= 1u << CAP_KILL;
        EXPECT(syscall(SYS_capset, &h, c) == -1 && errno == EPERM, 9);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    PASS();
}
