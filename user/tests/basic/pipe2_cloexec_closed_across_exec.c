/* pipe2(O_CLOEXEC) sets FD_CLOEXEC on both ends; after exec the fds are
 * closed, while a pipe made without the flag stays open. */
#include "t.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc == 5) {
        /* exec'd: argv[1..2] must be closed, argv[3..4] open */
        for (int i = 1; i <= 2; i++)
            if (fcntl(atoi(argv[i]), F_GETFD) != -1 || errno != EBADF)
                _exit(10 + i);
        for (int i = 3; i <= 4; i++)
            if (fcntl(atoi(argv[i]), F_GETFD) != 0)
                _exit(20 + i);
        _exit(0);
    }
    int c[2], k[2];
    CHECK_OK(pipe2(c, O_CLOEXEC));
    CHECK_OK(pipe(k));
    CHECK_EQ(fcntl(c[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(c[1], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(k[0], F_GETFD), 0);
    CHECK_ERR(pipe2(c, 0x40000000), EINVAL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char a[4][16];
        int fds[4] = {c[0], c[1], k[0], k[1]};
        for (int i = 0; i < 4; i++)
            snprintf(a[i], sizeof a[i], "%d", fds[i]);
        char *args[] = {argv[0], a[0], a[1], a[2], a[3], NULL};
        execv(argv[0], args);
        _exit(99);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
