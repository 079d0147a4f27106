/* Several readers hold a rwlock at the same time: both readers meet at a
 * barrier while holding the read lock (exclusive readers would time out). */
#include "tt.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t bar;

static void *reader(void *arg)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += 10;
    int r = pthread_rwlock_timedrdlock(&rw, &dl);
    pthread_barrier_wait(&bar);
    if (r == 0)
        pthread_rwlock_unlock(&rw);
    return (void *)(long)r;
}

int main(void)
{
    pthread_t t;
    void *r;
    CHECK_PT(pthread_barrier_init(&bar, 0, 2));
    CHECK_PT(pthread_rwlock_rdlock(&rw));
    CHECK_PT(pthread_create(&t, 0, reader, 0));
    pthread_barrier_wait(&bar); /* the reader holds it, and so do we */
    CHECK_PT(pthread_rwlock_tryrdlock(&rw));
    CHECK_PT(pthread_rwlock_unlock(&rw));
    CHECK_PT(pthread_rwlock_unlock(&rw));
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, 0);
    PASS();
}
