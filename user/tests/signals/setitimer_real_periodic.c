/* setitimer(ITIMER_REAL) with a value and an interval delivers SIGALRM
 * first after the value, then periodically; getitimer shows the interval
 * and a remaining time no larger than it; a zero value disarms it. */
#include "st.h"

static volatile int ticks;
static void h(int sig) { ticks++; }

int main(void)
{
    struct itimerval it, cur, old;
    sigset_t none;
    on_signal(SIGALRM, h, 0);
    block(SIGALRM);
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 100000;
    it.it_interval.tv_usec = 50000;
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_OK(setitimer(ITIMER_REAL, &it, 0));
    CHECK_OK(getitimer(ITIMER_REAL, &cur));
    CHECK_EQ(cur.it_interval.tv_sec, 0);
    CHECK_EQ(cur.it_interval.tv_usec, 50000);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 100000);
    sigemptyset(&none);
    while (ticks < 3)
        sigsuspend(&none);
    long long dt = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK(dt >= 195 * 1000000LL); /* 100 + 2 x 50 ms */
    CHECK_OK(getitimer(ITIMER_REAL, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 50000);
    memset(&it, 0, sizeof it);
    CHECK_OK(setitimer(ITIMER_REAL, &it, &old));
    CHECK_EQ(old.it_interval.tv_usec, 50000);
    CHECK_OK(getitimer(ITIMER_REAL, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
    int before = ticks;
    unblock(SIGALRM);
    sleep_ms(150);
    CHECK(ticks <= before + 1); /* at most one already pending */
    PASS();
}
