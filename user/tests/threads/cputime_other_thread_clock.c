/* pthread_getcpuclockid gives a clock for another thread's CPU time:
 * reading it from main shows the time a live worker has burnt. */
#include "tt.h"

static volatile int burnt, stop;

static void *burn(void *arg)
{
    burn_cpu_ns(150 * 1000000LL);
    burnt = 1;
    while (!stop)
        sleep_ms(1);
    return 0;
}

int main(void)
{
    pthread_t t;
    clockid_t clk;
    struct timespec ts;
    CHECK_PT(pthread_create(&t, 0, burn, 0));
    CHECK_PT(pthread_getcpuclockid(t, &clk));
    while (!burnt)
        sleep_ms(5);
    CHECK_OK(clock_gettime(clk, &ts));
    long long ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
    CHECK(ns >= 150 * 1000000LL);
    CHECK(ns < now_ns(CLOCK_PROCESS_CPUTIME_ID));
    stop = 1;
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
