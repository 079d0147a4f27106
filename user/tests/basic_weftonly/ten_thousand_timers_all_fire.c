/* WEFT-ONLY: raises RLIMIT_SIGPENDING past its default (runs in QEMU, on
 * weft or Linux).
 *
 * 10,000 POSIX timers can exist in one process: each one-shot timer,
 * armed to expire within half a second, queues its own SIGRTMIN with its
 * index in si_value, and sigtimedwait collects all 10,000 distinct
 * values, each once. After all are deleted no signal is left queued. On
 * Linux every timer holds a preallocated signal counted against
 * RLIMIT_SIGPENDING (EAGAIN past it), so the limit is raised first. */
#include <signal.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

#define TIMERS 10000

static timer_t ids[TIMERS];
static unsigned char seen[TIMERS];

int main(void)
{
    struct rlimit rl = {2 * TIMERS, 2 * TIMERS};
    CHECK_OK(setrlimit(RLIMIT_SIGPENDING, &rl));
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    for (int i = 0; i < TIMERS; i++) {
        struct sigevent ev = {0};
        ev.sigev_notify = SIGEV_SIGNAL;
        ev.sigev_signo = SIGRTMIN;
        ev.sigev_value.sival_int = i;
        CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &ids[i]));
    }
    for (int i = 0; i < TIMERS; i++) {
        struct itimerspec its = {0};
        its.it_value.tv_nsec = 1000000 + (i % 500) * 1000000L;
        CHECK_OK(timer_settime(ids[i], 0, &its, NULL));
    }
    int got = 0;
    struct timespec wait = {10, 0};
    while (got < TIMERS) {
        siginfo_t si;
        int sig = sigtimedwait(&set, &si, &wait);
        if (sig < 0)
            FAIL("only %d of %d timer signals arrived (errno %d)", got, TIMERS, errno);
        CHECK_EQ(sig, SIGRTMIN);
        CHECK_EQ(si.si_code, SI_TIMER);
        int v = si.si_value.sival_int;
        CHECK(v >= 0 && v < TIMERS);
        if (seen[v])
            FAIL("timer %d fired twice", v);
        seen[v] = 1;
        got++;
    }
    for (int i = 0; i < TIMERS; i++)
        CHECK_OK(timer_delete(ids[i]));
    /* Nothing more is queued. */
    struct timespec none = {0, 50000000};
    CHECK_ERR(sigtimedwait(&set, NULL, &none), EAGAIN);
    PASS();
}
