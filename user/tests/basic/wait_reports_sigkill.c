/* A child killed with SIGKILL is reported with WIFSIGNALED, WTERMSIG ==
 * SIGKILL and no core-dump bit. */
#include "t.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (;;)
            pause();
    }
    CHECK_OK(kill(pid, SIGKILL));
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(!WIFEXITED(st));
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGKILL);
    CHECK(!WCOREDUMP(st));
    PASS();
}
