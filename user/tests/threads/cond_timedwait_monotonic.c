/* A condvar with the CLOCK_MONOTONIC attribute measures the timedwait
 * deadline on the monotonic clock: ETIMEDOUT once it has passed. */
#include "tt.h"

int main(void)
{
    pthread_condattr_t ca;
    pthread_cond_t c;
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    clockid_t clk;
    struct timespec dl;
    CHECK_PT(pthread_condattr_init(&ca));
    CHECK_PT(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC));
    CHECK_PT(pthread_condattr_getclock(&ca, &clk));
    CHECK_EQ(clk, CLOCK_MONOTONIC);
    CHECK_PT(pthread_cond_init(&c, &ca));
    long long start = now_ns(CLOCK_MONOTONIC);
    long long deadline = start + 100 * 1000000LL;
    dl.tv_sec = deadline / 1000000000LL;
    dl.tv_nsec = deadline % 1000000000LL;
    pthread_mutex_lock(&m);
    int r;
    do
        r = pthread_cond_timedwait(&c, &m, &dl);
    while (r == 0);
    CHECK_EQ(r, ETIMEDOUT);
    long long end = now_ns(CLOCK_MONOTONIC);
    CHECK(end >= deadline);
    /* A monotonic deadline far below the realtime clock must not have been
     * read as an (already passed) realtime one: we did wait. */
    CHECK(end - start >= 90 * 1000000LL);
    pthread_mutex_unlock(&m);
    PASS();
}
