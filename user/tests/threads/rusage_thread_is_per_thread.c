/* RUSAGE_THREAD reports only the calling thread's CPU time: a thread that
 * burnt 200 ms sees it, the main thread (blocked in join) does not, and
 * RUSAGE_SELF covers both. */
#include "tt.h"
#include <sys/resource.h>

static void *burn(void *arg)
{
    struct rusage ru;
    burn_cpu_ns(200 * 1000000LL);
    getrusage(RUSAGE_THREAD, &ru);
    return (void *)(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime));
}

int main(void)
{
    pthread_t t;
    void *r;
    struct rusage mine, self;
    CHECK_PT(pthread_create(&t, 0, burn, 0));
    CHECK_PT(pthread_join(t, &r));
    CHECK((long long)r >= 180 * 1000000LL);
    CHECK_OK(getrusage(RUSAGE_THREAD, &mine));
    CHECK(tv_ns(mine.ru_utime) + tv_ns(mine.ru_stime) < 100 * 1000000LL);
    CHECK_OK(getrusage(RUSAGE_SELF, &self));
    CHECK(tv_ns(self.ru_utime) + tv_ns(self.ru_stime) >= 180 * 1000000LL);
    PASS();
}
