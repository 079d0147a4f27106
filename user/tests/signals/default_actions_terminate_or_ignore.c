/* Default dispositions: SIGUSR1/SIGTERM/SIGALRM terminate the process (by
 * that signal); SIGCHLD, SIGURG and SIGWINCH are ignored. Checked in
 * children. */
#include "st.h"

static int run(int sig)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        raise(sig);
        kill(getpid(), sig);
        _exit(0);
    }
    return wait_for(pid);
}

int main(void)
{
    CHECK_KILLED_BY(run(SIGUSR1), SIGUSR1);
    CHECK_KILLED_BY(run(SIGTERM), SIGTERM);
    CHECK_KILLED_BY(run(SIGALRM), SIGALRM);
    CHECK_KILLED_BY(run(SIGRTMIN + 3), SIGRTMIN + 3);
    CHECK_EXITED(run(SIGCHLD), 0);
    CHECK_EXITED(run(SIGURG), 0);
    CHECK_EXITED(run(SIGWINCH), 0);
    PASS();
}
