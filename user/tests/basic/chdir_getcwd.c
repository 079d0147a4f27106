/* chdir changes where relative paths resolve; getcwd returns the absolute
 * path (ERANGE when the buffer is too small); fchdir works on a directory fd;
 * chdir to a file is ENOTDIR, to a missing path ENOENT. The cwd is per
 * process: a child's chdir does not move the parent. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char d[64], buf[256];
    snprintf(d, sizeof d, "/tmp/weft-cwd-%d", getpid());
    CHECK_OK(mkdir(d, 0700));
    CHECK_OK(chdir(d));
    CHECK(getcwd(buf, sizeof buf) != NULL);
    CHECK(!strcmp(buf, d));
    errno = 0;
    CHECK(getcwd(buf, 5) == NULL && errno == ERANGE);
    CHECK_OK(mkdir("sub", 0700));
    CHECK_OK(chdir("sub"));
    CHECK(getcwd(buf, sizeof buf) != NULL);
    char want[96];
    snprintf(want, sizeof want, "%s/sub", d);
    CHECK(!strcmp(buf, want));
    CHECK_OK(chdir(".."));
    CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, d));
    int fd = open("f", O_WRONLY | O_CREAT, 0600); /* relative create */
    CHECK(fd >= 0);
    close(fd);
    char abs[96];
    snprintf(abs, sizeof abs, "%s/f", d);
    CHECK_OK(access(abs, F_OK));
    CHECK_ERR(chdir("f"), ENOTDIR);
    CHECK_ERR(chdir("nope"), ENOENT);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(chdir("/") == 0 ? 0 : 1);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, d));

    int root = open("/", O_RDONLY | O_DIRECTORY);
    CHECK_OK(fchdir(root));
    CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/"));
    CHECK_ERR(fchdir(999), EBADF);
    CHECK_OK(unlink(abs));
    snprintf(abs, sizeof abs, "%s/sub", d);
    CHECK_OK(rmdir(abs));
    CHECK_OK(rmdir(d));
    PASS();
}
