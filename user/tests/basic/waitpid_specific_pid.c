/* waitpid(pid) waits for that child only, even when another child has
 * already exited; waitpid(-1) then returns the other one. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t slow = fork();
    CHECK(slow >= 0);
    if (slow == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1); /* wait until told */
        _exit(7);
    }
    close(p[0]);
    pid_t fast = fork();
    CHECK(fast >= 0);
    if (fast == 0)
        _exit(3);
    /* Make sure `fast` is a zombie before waiting for `slow`. */
    siginfo_t si;
    CHECK_OK(waitid(P_PID, fast, &si, WEXITED | WNOWAIT));
    CHECK_EQ(si.si_pid, fast);
    CHECK_EQ(write(p[1], "x", 1), 1);
    int st;
    CHECK_EQ(waitpid(slow, &st, 0), slow);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 7);
    CHECK_EQ(waitpid(-1, &st, 0), fast);
    CHECK_EQ(WEXITSTATUS(st), 3);
    CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
    PASS();
}
