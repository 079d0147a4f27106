/* The parent gets SIGCHLD when a child ends, with si_pid, si_uid, and
 * si_code/si_status CLD_EXITED/exit code or CLD_KILLED/signal. */
#include "st.h"

static volatile siginfo_t got;
static volatile int calls;

static void h(int sig, siginfo_t *si, void *uc)
{
    got = *si;
    calls++;
}

static void expect(int code, int status, pid_t pid)
{
    sigset_t none;
    sigemptyset(&none);
    while (calls == 0)
        sigsuspend(&none);
    CHECK_EQ(got.si_signo, SIGCHLD);
    CHECK_EQ(got.si_pid, pid);
    CHECK_EQ(got.si_uid, getuid());
    CHECK_EQ(got.si_code, code);
    CHECK_EQ(got.si_status, status);
    calls = 0;
}

int main(void)
{
    on_siginfo(SIGCHLD, h, 0);
    block(SIGCHLD);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(7);
    expect(CLD_EXITED, 7, pid);
    CHECK_EXITED(wait_for(pid), 7);

    pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        for (;;)
            pause();
    }
    CHECK_OK(kill(pid, SIGKILL));
    expect(CLD_KILLED, SIGKILL, pid);
    CHECK_KILLED_BY(wait_for(pid), SIGKILL);
    PASS();
}
