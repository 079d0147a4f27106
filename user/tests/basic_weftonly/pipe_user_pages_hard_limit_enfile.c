/* WEFT-ONLY: writes /proc/sys/fs/pipe-user-pages-hard and changes
 * credentials.
 *
 * Over pipe-user-pages-hard, an unprivileged user cannot make another
 * pipe: Linux's alloc_pipe_info fails and pipe() gives ENFILE. The pages
 * come back when the user's pipes close.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include "sysctl.h"
#include <sys/wait.h>

static int child(void)
{
    if (setuid(54322))
        return 2;
    int a[2], b[2], c[2];
    /* 16 + 16 pages: not over 32. */
    if (pipe(a) || pipe(b))
        return 3;
    if (pipe(c) != -1 || errno != ENFILE)
        return 4;
    close(a[0]);
    close(a[1]);
    if (pipe(c))
        return 5;
    return 0;
}

int main(void)
{
    const char *hard = "/proc/sys/fs/pipe-user-pages-hard";
    const char *soft = "/proc/sys/fs/pipe-user-pages-soft";
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    long old_soft = sysctl_long(soft);
    CHECK_OK(sysctl_write(soft, "0\n"));
    CHECK_OK(sysctl_write(hard, "32\n"));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(child());
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    char v[32];
    snprintf(v, sizeof v, "%ld\n", old_soft);
    CHECK_OK(sysctl_write(hard, "0\n"));
    CHECK_OK(sysctl_write(soft, v));
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
