/* WEFT-ONLY: calls reboot(2), so it must never run on a development host.
 *
 * reboot with wrong magic numbers is EINVAL and does nothing; an unknown
 * command with the right magic is EINVAL; a process without CAP_SYS_BOOT
 * (a child that dropped to uid 1000) gets EPERM. */
#include "t.h"
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAGIC1 0xfee1dead
#define MAGIC2 672274793
#define CMD_POWER_OFF 0x4321fedc
#define CMD_CAD_OFF 0

int main(void)
{
    CHECK_ERR(syscall(SYS_reboot, 0x12345678, MAGIC2, CMD_POWER_OFF, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_reboot, MAGIC1, 0x1234, CMD_POWER_OFF, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_reboot, MAGIC1, MAGIC2, 0x0badc0de, NULL), EINVAL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(1000) || setuid(1000))
            _exit(2);
        /* CAD_OFF is harmless even if it were allowed. */
        long r = syscall(SYS_reboot, MAGIC1, MAGIC2, CMD_CAD_OFF, NULL);
        _exit(r == -1 && errno == EPERM ? 0 : 3);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
