/* WEFT-ONLY: writes /proc/sys/kernel/pid_max.
 *
 * kernel/pid_max takes 301 ..= 4194304 (RESERVED_PIDS + 1 ..= PID_MAX_LIMIT;
 * EINVAL outside), and new process ids stay below it: when the counter
 * passes it, ids wrap to 300 and up.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include "sysctl.h"
#include <sys/wait.h>

static const char *knob = "/proc/sys/kernel/pid_max";

int main(void)
{
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    long old = sysctl_long(knob);
    CHECK(old >= 301);
    CHECK_ERR(sysctl_write(knob, "300\n"), EINVAL);
    CHECK_ERR(sysctl_write(knob, "4194305\n"), EINVAL);
    CHECK_ERR(sysctl_write(knob, "many\n"), EINVAL);
    CHECK_EQ(sysctl_long(knob), old);

    long max = getpid() + 5;
    if (max < 400)
        max = 400;
    char v[32];
    snprintf(v, sizeof v, "%ld\n", max);
    CHECK_OK(sysctl_write(knob, v));
    CHECK_EQ(sysctl_long(knob), max);
    int bad = 0;
    for (int i = 0; i < 20; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid < 0 || pid >= max)
            bad = pid;
        if (pid > 0)
            waitpid(pid, 0, 0);
    }
    snprintf(v, sizeof v, "%ld\n", old);
    CHECK_OK(sysctl_write(knob, v));
    if (bad)
        FAIL("fork gave %d with pid_max %ld", bad, max);
    PASS();
}
