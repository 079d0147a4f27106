/* wait4 with pid INT_MIN fails with ESRCH: -INT_MIN is not a process
 * group, and Linux's kernel_wait4 checks for it after the options (bad
 * options still give EINVAL first). Holds with a child to wait for.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <limits.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(0);
    int status;
    CHECK_ERR(syscall(SYS_wait4, INT_MIN, &status, 0, NULL), ESRCH);
    CHECK_ERR(syscall(SYS_wait4, INT_MIN, &status, 0x10, NULL), EINVAL);
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    PASS();
}
