/* CLOCK_THREAD_CPUTIME_ID counts only the calling thread;
 * CLOCK_PROCESS_CPUTIME_ID counts all threads, including exited ones:
 * two threads burn 150 ms each; the process clock advances by >= 300 ms
 * while the main thread's clock barely moves. */
#include "tt.h"

static void *burn(void *arg)
{
    burn_cpu_ns(150 * 1000000LL);
    return (void *)now_ns(CLOCK_THREAD_CPUTIME_ID);
}

int main(void)
{
    pthread_t a, b;
    void *ra, *rb;
    long long p0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    long long t0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    CHECK_PT(pthread_create(&a, 0, burn, 0));
    CHECK_PT(pthread_create(&b, 0, burn, 0));
    CHECK_PT(pthread_join(a, &ra));
    CHECK_PT(pthread_join(b, &rb));
    long long p1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    long long t1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    CHECK((long long)ra >= 150 * 1000000LL);
    CHECK((long long)rb >= 150 * 1000000LL);
    CHECK(p1 - p0 >= 300 * 1000000LL);
    CHECK(t1 - t0 < 100 * 1000000LL);
    CHECK(p1 >= t1);
    PASS();
}
