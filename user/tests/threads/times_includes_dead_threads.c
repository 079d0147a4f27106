/* times() counts the CPU time of threads that already exited: after a
 * joined thread burnt 200 ms, tms_utime + tms_stime covers it. */
#include "tt.h"
#include <sys/times.h>

static void *burn(void *arg)
{
    burn_cpu_ns(200 * 1000000LL);
    return 0;
}

int main(void)
{
    pthread_t t;
    struct tms a, b;
    long hz = sysconf(_SC_CLK_TCK);
    CHECK(hz > 0);
    CHECK(times(&a) != (clock_t)-1);
    CHECK_PT(pthread_create(&t, 0, burn, 0));
    CHECK_PT(pthread_join(t, 0));
    CHECK(times(&b) != (clock_t)-1);
    long ticks = (b.tms_utime + b.tms_stime) - (a.tms_utime + a.tms_stime);
    CHECK(ticks * 1000 / hz >= 170); /* 200 ms, minus tick rounding */
    CHECK_EQ(b.tms_cutime + b.tms_cstime, 0);
    PASS();
}
