/* A POSIX timer (timer_create, SIGEV_SIGNAL) delivers its signal with
 * si_code SI_TIMER, the sigev_value, and the timer's id; overruns are
 * counted while the signal stays blocked. */
#include "st.h"

int main(void)
{
    timer_t tm;
    struct sigevent sev;
    struct itimerspec its;
    sigset_t set;
    siginfo_t si;
    struct timespec to = {10, 0};
    int sig = SIGRTMIN + 2;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = sig;
    sev.sigev_value.sival_int = 31337;
    block(sig);
    CHECK_OK(timer_create(CLOCK_MONOTONIC, &sev, &tm));
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = 50 * 1000000L;
    CHECK_OK(timer_settime(tm, 0, &its, 0));
    sigemptyset(&set);
    sigaddset(&set, sig);
    CHECK_EQ(sigtimedwait(&set, &si, &to), sig);
    CHECK_EQ(si.si_code, SI_TIMER);
    CHECK_EQ(si.si_value.sival_int, 31337);
    CHECK_EQ(si.si_overrun, 0);
    /* Periodic at 10 ms, collected late: one signal, with overruns. */
    its.it_value.tv_nsec = 10 * 1000000L;
    its.it_interval.tv_nsec = 10 * 1000000L;
    CHECK_OK(timer_settime(tm, 0, &its, 0));
    sleep_ms(100);
    CHECK_EQ(sigtimedwait(&set, &si, &to), sig);
    CHECK_EQ(si.si_code, SI_TIMER);
    CHECK(si.si_overrun >= 3);
    CHECK_OK(timer_delete(tm));
    PASS();
}
