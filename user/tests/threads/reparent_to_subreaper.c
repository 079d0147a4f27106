/* When a process dies, its children are reparented to the nearest
 * PR_SET_CHILD_SUBREAPER ancestor (here the test process), which can then
 * wait for them. (Without a subreaper they would go to init.) */
#include "tt.h"
#include <sys/prctl.h>

int main(void)
{
    int fds[2], st, flag = 0;
    pid_t me = getpid(), g;
    CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
    CHECK_OK(prctl(PR_GET_CHILD_SUBREAPER, &flag, 0, 0, 0));
    CHECK_EQ(flag, 1);
    CHECK_OK(pipe(fds));
    pid_t m = fork();
    CHECK_OK(m);
    if (m == 0) {
        pid_t mid = getpid();
        pid_t gc = fork();
        if (gc < 0)
            _exit(1);
        if (gc == 0) {
            while (getppid() == mid)
                sleep_ms(2);
            pid_t pp = getppid();
            pid_t self = getpid();
            write(fds[1], &self, sizeof self);
            write(fds[1], &pp, sizeof pp);
            _exit(0);
        }
        _exit(0);
    }
    CHECK_EQ(waitpid(m, &st, 0), m);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    pid_t pp;
    CHECK_EQ(read(fds[0], &g, sizeof g), sizeof g);
    CHECK_EQ(read(fds[0], &pp, sizeof pp), sizeof pp);
    CHECK_EQ(pp, me);
    CHECK_EQ(waitpid(g, &st, 0), g);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    PASS();
}
