/* SA_NOCLDWAIT on SIGCHLD: children are reaped automatically when they
 * die (no zombies): wait blocks until they are gone, then fails with
 * ECHILD, and kill(pid, 0) finds nothing. */
#include "st.h"

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sa.sa_flags = SA_NOCLDWAIT;
    CHECK_OK(sigaction(SIGCHLD, &sa, 0));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        sleep_ms(50);
        _exit(3);
    }
    int st;
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(waitpid(-1, &st, 0), ECHILD); /* blocks until the child is gone */
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 40 * 1000000LL);
    CHECK_ERR(kill(pid, 0), ESRCH);
    PASS();
}
