/* SA_NOCLDSTOP: no SIGCHLD when a child stops or continues (waitpid still
 * reports both), but SIGCHLD still comes when it dies. */
#include "st.h"

static volatile int calls, last_code;

static void h(int sig, siginfo_t *si, void *uc)
{
    calls++;
    last_code = si->si_code;
}

int main(void)
{
    int st;
    on_siginfo(SIGCHLD, h, SA_NOCLDSTOP);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        for (;;)
            pause();
    }
    CHECK_OK(kill(pid, SIGSTOP));
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
    CHECK(WIFCONTINUED(st));
    sleep_ms(50);
    CHECK_EQ(calls, 0);
    CHECK_OK(kill(pid, SIGTERM));
    CHECK_KILLED_BY(wait_for(pid), SIGTERM);
    long long dl = now_ns(CLOCK_MONOTONIC) + 10000000000LL;
    while (calls == 0) {
        CHECK(now_ns(CLOCK_MONOTONIC) < dl);
        sleep_ms(1);
    }
    CHECK_EQ(calls, 1);
    CHECK_EQ(last_code, CLD_KILLED);
    PASS();
}
