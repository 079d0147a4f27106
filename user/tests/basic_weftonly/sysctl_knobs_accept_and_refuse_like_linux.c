/* WEFT-ONLY: writes /proc/sys knobs and changes credentials.
 *
 * What Linux accepts: vm/overcommit_memory 0, 1 or 2 (else EINVAL);
 * kernel/printk up to four numbers, a shorter write setting the first
 * ones; kernel/core_pattern any text, read back with a newline;
 * kernel/threads-max and fs/file-max exist. The knobs are root's, mode
 * 0644: another user cannot open one for writing (EACCES).
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include "sysctl.h"
#include <sys/stat.h>
#include <sys/wait.h>

int main(void)
{
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    const char *oc = "/proc/sys/vm/overcommit_memory";
    long old_oc = sysctl_long(oc);
    CHECK_ERR(sysctl_write(oc, "3\n"), EINVAL);
    CHECK_ERR(sysctl_write(oc, "-1\n"), EINVAL);
    CHECK_OK(sysctl_write(oc, "2\n"));
    CHECK_EQ(sysctl_long(oc), 2);
    char v[32];
    snprintf(v, sizeof v, "%ld\n", old_oc);
    CHECK_OK(sysctl_write(oc, v));

    const char *pk = "/proc/sys/kernel/printk";
    char old_pk[64], now[64];
    sysctl_read(pk, old_pk, sizeof old_pk);
    int a, b, c, d;
    CHECK_EQ(sscanf(old_pk, "%d %d %d %d", &a, &b, &c, &d), 4);
    CHECK_OK(sysctl_write(pk, "3\n"));
    sysctl_read(pk, now, sizeof now);
    snprintf(v, sizeof v, "3\t%d\t%d\t%d\n", b, c, d);
    CHECK(strcmp(now, v) == 0);
    snprintf(v, sizeof v, "%d %d %d %d\n", a, b, c, d);
    CHECK_OK(sysctl_write(pk, v));

    const char *cp = "/proc/sys/kernel/core_pattern";
    char old_cp[256];
    sysctl_read(cp, old_cp, sizeof old_cp);
    CHECK_OK(sysctl_write(cp, "/tmp/weft-core.%p\n"));
    sysctl_read(cp, now, sizeof now);
    CHECK(strcmp(now, "/tmp/weft-core.%p\n") == 0);
    CHECK_OK(sysctl_write(cp, old_cp));

    CHECK(sysctl_long("/proc/sys/kernel/threads-max") > 0);
    CHECK(sysctl_long("/proc/sys/fs/file-max") > 0);
    struct stat st;
    CHECK_OK(stat("/proc/sys/vm/max_map_count", &st));
    CHECK_EQ(st.st_mode & 07777, 0644);
    CHECK_EQ(st.st_uid, 0);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setuid(65534))
            _exit(2);
        if (open("/proc/sys/kernel/pid_max", O_WRONLY) != -1 || errno != EACCES)
            _exit(3);
        if (open("/proc/sys/fs/pipe-max-size", O_WRONLY) != -1 || errno != EACCES)
            _exit(4);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    PASS();
}
