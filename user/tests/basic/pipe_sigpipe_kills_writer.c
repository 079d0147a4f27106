/* With SIGPIPE at its default action, a write to a pipe with no reader kills
 * the writer with SIGPIPE. */
#include "t.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_OK(close(p[0]));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        write(p[1], "x", 1);
        _exit(1); /* not reached */
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGPIPE);
    PASS();
}
