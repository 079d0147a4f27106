/* WEFT-ONLY: writes /proc/sys/fs/nr_open.
 *
 * fs/nr_open (default 1048576; 64 ..= INT_MAX & -64, else EINVAL) bounds
 * RLIMIT_NOFILE: a hard limit above it is EPERM, even for root.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include "sysctl.h"
#include <sys/resource.h>

static const char *knob = "/proc/sys/fs/nr_open";

int main(void)
{
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    CHECK_EQ(sysctl_long(knob), 1048576);
    struct rlimit old, r;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &old));
    r.rlim_cur = 1024;
    r.rlim_max = 1048577;
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &r), EPERM);
    CHECK_ERR(sysctl_write(knob, "63\n"), EINVAL);
    CHECK_ERR(sysctl_write(knob, "2147483647\n"), EINVAL);
    CHECK_OK(sysctl_write(knob, "2048\n"));
    CHECK_EQ(sysctl_long(knob), 2048);
    r.rlim_max = 4096;
    int e = setrlimit(RLIMIT_NOFILE, &r) == -1 ? errno : 0;
    r.rlim_max = 2048;
    int ok = setrlimit(RLIMIT_NOFILE, &r);
    CHECK_OK(sysctl_write(knob, "1048576\n"));
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &old));
    CHECK_EQ(e, EPERM);
    CHECK_EQ(ok, 0);
    PASS();
}
