/* A signal sent with kill() arrives with si_signo, si_code SI_USER and the
 * sender's pid and uid (here a child signalling its parent). */
#include "st.h"

static volatile siginfo_t got;
static volatile int calls;

static void h(int sig, siginfo_t *si, void *uc)
{
    got = *si;
    calls++;
}

int main(void)
{
    sigset_t empty;
    on_siginfo(SIGUSR1, h, 0);
    block(SIGUSR1);
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(kill(parent, SIGUSR1) == 0 ? 0 : 1);
    CHECK_EXITED(wait_for(pid), 0);
    sigemptyset(&empty);
    CHECK_ERR(sigsuspend(&empty), EINTR);
    CHECK_EQ(calls, 1);
    CHECK_EQ(got.si_signo, SIGUSR1);
    CHECK_EQ(got.si_code, SI_USER);
    CHECK_EQ(got.si_pid, pid);
    CHECK_EQ(got.si_uid, getuid());
    PASS();
}
