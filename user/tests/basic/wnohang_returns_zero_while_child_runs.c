/* waitpid with WNOHANG returns 0 while the child is still running, and the
 * pid once it has exited. */
#include "t.h"
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1);
        _exit(5);
    }
    close(p[0]);
    int st = 12345;
    CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
    CHECK_EQ(waitpid(-1, &st, WNOHANG), 0);
    close(p[1]); /* child reads EOF and exits */
    pid_t r;
    for (int i = 0; i < 2000; i++) {
        r = waitpid(pid, &st, WNOHANG);
        if (r != 0)
            break;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    CHECK_EQ(r, pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 5);
    PASS();
}
