/* sigaction returns the previous handler, flags and mask; signal numbers
 * 0 and above 64 are EINVAL; the raw rt_sigaction and rt_sigprocmask want
 * sigsetsize 8 (EINVAL otherwise), and rt_sigprocmask rejects a bad
 * `how` with EINVAL. */
#include "st.h"

static void h(int sig, siginfo_t *si, void *uc) {}

int main(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaddset(&sa.sa_mask, SIGRTMIN + 7);
    CHECK_OK(sigaction(SIGUSR1, &sa, &old));
    CHECK(old.sa_handler == SIG_DFL);
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    CHECK_OK(sigaction(SIGUSR1, &sa, &old));
    CHECK(old.sa_sigaction == h);
    CHECK(old.sa_flags & SA_SIGINFO);
    CHECK(old.sa_flags & SA_RESTART);
    CHECK(sigismember(&old.sa_mask, SIGUSR2));
    CHECK(sigismember(&old.sa_mask, SIGRTMIN + 7));
    CHECK(!sigismember(&old.sa_mask, SIGTERM));
    CHECK_ERR(sigaction(0, &sa, 0), EINVAL);
    CHECK_ERR(sigaction(65, &sa, 0), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, 0, &old, 4), EINVAL);
    sigset_t s;
    sigemptyset(&s);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, 0, 4), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, 7, &s, 0, 8), EINVAL);
    PASS();
}
