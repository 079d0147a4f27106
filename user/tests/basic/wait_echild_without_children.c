/* wait/waitpid/wait4/waitid with no children fail with ECHILD, also with
 * WNOHANG, and waiting for a pid that is not our child is ECHILD too. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int st;
    CHECK_ERR(wait(&st), ECHILD);
    CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
    CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
    CHECK_ERR(wait4(-1, &st, 0, NULL), ECHILD);
    siginfo_t si;
    CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
    CHECK_ERR(waitpid(getppid(), &st, 0), ECHILD);
    CHECK_ERR(waitpid(getpid(), &st, 0), ECHILD);
    /* A reaped child is gone. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(0);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
    PASS();
}
