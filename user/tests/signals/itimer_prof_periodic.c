/* setitimer(ITIMER_PROF) with an interval sends SIGPROF repeatedly while
 * the process uses CPU; getitimer shows the interval; a zero value
 * disarms it and returns the old setting. */
#include "st.h"

static volatile int fired;
static void h(int sig) { fired++; }

static void spin_until(int n, long long wall_limit_ns)
{
    long long end = now_ns(CLOCK_MONOTONIC) + wall_limit_ns;
    volatile unsigned long x = 0;
    while (fired < n && now_ns(CLOCK_MONOTONIC) < end)
        for (int i = 0; i < 1000; i++)
            x += i;
}

int main(void)
{
    struct itimerval it, cur, old;
    on_signal(SIGPROF, h, 0);
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 20000;
    it.it_interval.tv_usec = 20000;
    long long cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    CHECK_OK(setitimer(ITIMER_PROF, &it, 0));
    CHECK_OK(getitimer(ITIMER_PROF, &cur));
    CHECK_EQ(cur.it_interval.tv_usec, 20000);
    spin_until(3, 10 * 1000000000LL);
    CHECK(fired >= 3);
    CHECK(now_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0 >= 55 * 1000000LL);
    CHECK_OK(getitimer(ITIMER_PROF, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 20000);

    memset(&it, 0, sizeof it);
    CHECK_OK(setitimer(ITIMER_PROF, &it, &old));
    CHECK_EQ(old.it_interval.tv_usec, 20000);
    CHECK(old.it_value.tv_usec > 0);
    int before = fired;
    spin_until(before + 2, 150 * 1000000LL);
    CHECK(fired <= before + 1); /* at most one already pending */
    PASS();
}
