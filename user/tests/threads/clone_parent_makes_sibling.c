/* CLONE_PARENT: the new process's parent is the caller's parent. A child M
 * clones C with CLONE_PARENT; C's getppid() is the test process, which
 * reaps both M and C. */
#include "tt.h"

int main(void)
{
    int fds[2], st;
    pid_t me = getpid(), c;
    CHECK_OK(pipe(fds));
    pid_t m = fork();
    CHECK_OK(m);
    if (m == 0) {
        long r = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
        if (r == 0) {
            pid_t pp = getppid();
            pid_t self = getpid();
            write(fds[1], &self, sizeof self);
            _exit(pp == me ? 42 : 43);
        }
        _exit(r > 0 ? 0 : 1);
    }
    CHECK_EQ(read(fds[0], &c, sizeof c), sizeof c);
    CHECK(c != m);
    CHECK_EQ(waitpid(m, &st, 0), m);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(waitpid(c, &st, 0), c); /* our child, not M's */
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 42);
    CHECK_ERR(waitpid(-1, 0, WNOHANG), ECHILD);
    PASS();
}
