/* WEFT-ONLY: writes /proc/sys/fs/pipe-user-pages-soft and changes
 * credentials.
 *
 * Linux charges every pipe's buffers to its user (account_pipe_buffers).
 * Once an unprivileged user is over pipe-user-pages-soft, a new pipe gets
 * 2 pages instead of 16, and F_SETPIPE_SZ may not grow one (EPERM). The
 * defaults are 16384 soft and 0 (no limit) hard; closing pipes gives the
 * pages back.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static long read_knob(const char *knob)
{
    char buf[64] = {0};
    int fd = open(knob, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, buf, sizeof buf - 1) > 0);
    close(fd);
    return atol(buf);
}

static void write_knob(const char *knob, const char *v)
{
    int fd = open(knob, O_WRONLY);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, v, strlen(v)), (long)strlen(v));
    close(fd);
}

static int child(void)
{
    if (setuid(54321))
        return 2;
    int a[2], b[2], c[2];
    /* 16 + 16 pages: not over 32. */
    if (pipe(a) || pipe(b) || fcntl(b[0], F_GETPIPE_SZ) != 65536)
        return 3;
    /* 48 > 32: the third pipe is small. */
    if (pipe(c) || fcntl(c[0], F_GETPIPE_SZ) != 8192)
        return 4;
    if (fcntl(c[0], F_SETPIPE_SZ, 16384) != -1 || errno != EPERM)
        return 5;
    close(a[0]);
    close(a[1]);
    close(c[0]);
    close(c[1]);
    /* 16 charged again: a new pipe is full size. */
    if (pipe(c) || fcntl(c[0], F_GETPIPE_SZ) != 65536)
        return 6;
    return 0;
}

int main(void)
{
    const char *soft = "/proc/sys/fs/pipe-user-pages-soft";
    const char *hard = "/proc/sys/fs/pipe-user-pages-hard";
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    CHECK_EQ(read_knob(soft), 16384);
    CHECK_EQ(read_knob(hard), 0);
    write_knob(soft, "32\n");
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(child());
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    write_knob(soft, "16384\n");
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
