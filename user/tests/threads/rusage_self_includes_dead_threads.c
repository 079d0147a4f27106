/* getrusage(RUSAGE_SELF) includes the CPU time of threads that already
 * exited: a thread burns 200 ms and is joined; the process total covers it
 * while the main thread's own time (RUSAGE_THREAD) does not. */
#include "tt.h"
#include <sys/resource.h>

static void *burn(void *arg)
{
    burn_cpu_ns(200 * 1000000LL);
    return 0;
}

int main(void)
{
    pthread_t t;
    struct rusage self, thr;
    CHECK_PT(pthread_create(&t, 0, burn, 0));
    CHECK_PT(pthread_join(t, 0));
    CHECK_OK(getrusage(RUSAGE_SELF, &self));
    CHECK_OK(getrusage(RUSAGE_THREAD, &thr));
    long long total = tv_ns(self.ru_utime) + tv_ns(self.ru_stime);
    long long mine = tv_ns(thr.ru_utime) + tv_ns(thr.ru_stime);
    CHECK(total >= 180 * 1000000LL);
    CHECK(total - mine >= 180 * 1000000LL);
    PASS();
}
