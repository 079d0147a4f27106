/* A file opened with O_CLOEXEC is closed in the new image after exec; one
 * opened without it stays open at the same offset. */
#include "t.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc == 3) {
        int c = atoi(argv[1]), k = atoi(argv[2]);
        if (fcntl(c, F_GETFD) != -1 || errno != EBADF)
            _exit(2);
        if (lseek(k, 0, SEEK_CUR) != 2)
            _exit(3);
        _exit(0);
    }
    int c = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK(c >= 0);
    CHECK_EQ(fcntl(c, F_GETFD), FD_CLOEXEC);
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-cloexec-%d", getpid());
    int k = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(k >= 0);
    CHECK_EQ(write(k, "ab", 2), 2);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char a[16], b[16];
        snprintf(a, sizeof a, "%d", c);
        snprintf(b, sizeof b, "%d", k);
        char *args[] = {argv[0], a, b, NULL};
        execv(argv[0], args);
        _exit(99);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    unlink(path);
    PASS();
}
