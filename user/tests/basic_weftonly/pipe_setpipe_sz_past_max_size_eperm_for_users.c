/* WEFT-ONLY: writes /proc/sys/fs/pipe-max-size and changes credentials.
 *
 * /proc/sys/fs/pipe-max-size is 1048576 by default, and a write is rounded
 * as F_SETPIPE_SZ rounds (5000 -> 8192; past 2 GiB EINVAL). A user without
 * CAP_SYS_RESOURCE cannot grow a pipe past it (EPERM), but may shrink it
 * or stay under it; root may pass it.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *knob = "/proc/sys/fs/pipe-max-size";

static long read_knob(void)
{
    char buf[64] = {0};
    int fd = open(knob, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, buf, sizeof buf - 1) > 0);
    close(fd);
    return atol(buf);
}

static int write_knob(const char *v)
{
    int fd = open(knob, O_WRONLY);
    CHECK(fd >= 0);
    int r = write(fd, v, strlen(v));
    int e = errno;
    close(fd);
    errno = e;
    return r < 0 ? -1 : 0;
}

int main(void)
{
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    CHECK_EQ(read_knob(), 1048576);
    CHECK_OK(write_knob("5000\n"));
    CHECK_EQ(read_knob(), 8192);
    CHECK_ERR(write_knob("4294967296\n"), EINVAL);
    CHECK_ERR(write_knob("abc\n"), EINVAL);
    CHECK_EQ(read_knob(), 8192);
    CHECK_OK(write_knob("1048576\n"));

    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 2 << 20), 2 << 20);
    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setuid(65534))
            _exit(2);
        if (fcntl(p[1], F_SETPIPE_SZ, 2 << 20) != -1 || errno != EPERM)
            _exit(3);
        if (fcntl(p[1], F_SETPIPE_SZ, 1 << 20) != 1 << 20)
            _exit(4);
        if (fcntl(p[1], F_SETPIPE_SZ, 8192) != 8192)
            _exit(5);
        /* Over the limit already: shrinking is always allowed. */
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
