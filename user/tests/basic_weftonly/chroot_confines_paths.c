/* WEFT-ONLY: calls chroot (in a child), which the rules for running tests
 * on a development host forbid.
 *
 * After chroot(dir) and chdir("/"), "/" is dir: a file created at dir/f is
 * /f, ".." at the new root stays there, and paths outside are unreachable. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char dir[64], f[96];
    snprintf(dir, sizeof dir, "/tmp/weft-chroot-%d", getpid());
    snprintf(f, sizeof f, "%s/marker", dir);
    CHECK_OK(mkdir(dir, 0755));
    int fd = open(f, O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (chroot(dir) || chdir("/"))
            _exit(2);
        if (access("/marker", F_OK))
            _exit(3);
        if (access("/../../marker", F_OK))
            _exit(4);
        if (access("/tmp", F_OK) != -1 || errno != ENOENT)
            _exit(5);
        char buf[64];
        if (!getcwd(buf, sizeof buf) || strcmp(buf, "/"))
            _exit(6);
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_OK(unlink(f));
    CHECK_OK(rmdir(dir));
    PASS();
}
