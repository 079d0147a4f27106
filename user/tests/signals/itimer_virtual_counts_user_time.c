/* setitimer(ITIMER_VIRTUAL) counts the process's user CPU time: sleeping
 * does not advance it, spinning does, and SIGVTALRM arrives once 50 ms of
 * CPU time have been spent (not before). */
#include "st.h"

static volatile int fired;
static void h(int sig) { fired++; }

int main(void)
{
    struct itimerval it, cur;
    on_signal(SIGVTALRM, h, 0);
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 50000;
    CHECK_OK(setitimer(ITIMER_VIRTUAL, &it, 0));

    sleep_ms(200);
    CHECK_EQ(fired, 0);
    CHECK_OK(getitimer(ITIMER_VIRTUAL, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 30000 && cur.it_value.tv_usec <= 50000);

    long long cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    long long wall_end = now_ns(CLOCK_MONOTONIC) + 10 * 1000000000LL;
    volatile unsigned long x = 0;
    while (!fired && now_ns(CLOCK_MONOTONIC) < wall_end)
        for (int i = 0; i < 1000; i++)
            x += i;
    long long spent = now_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    CHECK_EQ(fired, 1);
    CHECK(spent >= 30 * 1000000LL); /* 50 ms less what the sleep used */

    /* One-shot: disarmed after firing. */
    CHECK_OK(getitimer(ITIMER_VIRTUAL, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
    PASS();
}
