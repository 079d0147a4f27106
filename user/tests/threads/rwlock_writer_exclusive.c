/* A writer excludes readers and writers; readers exclude writers. */
#include "tt.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void *probe(void *arg)
{
    long res = 0;
    struct timespec dl;
    int r = pthread_rwlock_tryrdlock(&rw);
    if (r == 0)
        pthread_rwlock_unlock(&rw);
    res |= (r == EBUSY) ? 1 : 0;
    r = pthread_rwlock_trywrlock(&rw);
    if (r == 0)
        pthread_rwlock_unlock(&rw);
    res |= (r == EBUSY) ? 2 : 0;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_nsec += 30 * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    r = pthread_rwlock_timedwrlock(&rw, &dl);
    if (r == 0)
        pthread_rwlock_unlock(&rw);
    res |= (r == ETIMEDOUT) ? 4 : 0;
    return (void *)res;
}

static long run_probe(void)
{
    pthread_t t;
    void *r;
    CHECK_PT(pthread_create(&t, 0, probe, 0));
    CHECK_PT(pthread_join(t, &r));
    return (long)r;
}

int main(void)
{
    CHECK_PT(pthread_rwlock_wrlock(&rw));
    CHECK_EQ(run_probe(), 7); /* read busy, write busy, timed write times out */
    CHECK_PT(pthread_rwlock_unlock(&rw));
    CHECK_PT(pthread_rwlock_rdlock(&rw));
    CHECK_EQ(run_probe(), 6); /* read allowed, writes excluded */
    CHECK_PT(pthread_rwlock_unlock(&rw));
    CHECK_EQ(run_probe(), 0);
    PASS();
}
