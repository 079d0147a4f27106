/* sigtimedwait returns a pending blocked signal at once with its siginfo,
 * and consumes it (no longer pending, handler never runs). */
#include "st.h"

static volatile int handled;
static void h(int sig) { handled++; }

int main(void)
{
    sigset_t set, p;
    siginfo_t si;
    struct timespec ts = {5, 0};
    on_signal(SIGUSR2, h, 0);
    block(SIGUSR2);
    CHECK_OK(raise(SIGUSR2));
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    memset(&si, 0, sizeof si);
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR2);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 < 2000000000LL);
    CHECK_EQ(si.si_signo, SIGUSR2);
    CHECK_EQ(si.si_code, SI_TKILL);
    CHECK_EQ(si.si_pid, getpid());
    CHECK_OK(sigpending(&p));
    CHECK(!sigismember(&p, SIGUSR2));
    unblock(SIGUSR2);
    CHECK_EQ(handled, 0);
    PASS();
}
