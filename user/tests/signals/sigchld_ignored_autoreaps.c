/* SIGCHLD set to SIG_IGN: children that exit are reaped automatically:
 * no zombie stays (kill(pid, 0) -> ESRCH) and wait fails with ECHILD. */
#include "st.h"

int main(void)
{
    on_signal(SIGCHLD, SIG_IGN, 0);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(0);
    long long dl = now_ns(CLOCK_MONOTONIC) + 10000000000LL;
    while (kill(pid, 0) == 0) {
        CHECK(now_ns(CLOCK_MONOTONIC) < dl);
        sleep_ms(2);
    }
    CHECK_EQ(errno, ESRCH);
    CHECK_ERR(waitpid(-1, 0, WNOHANG), ECHILD);
    CHECK_ERR(waitpid(pid, 0, 0), ECHILD);
    PASS();
}
