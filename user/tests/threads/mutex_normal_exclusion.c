/* A default mutex gives mutual exclusion: at most one thread is inside the
 * critical section and a non-atomic counter ends exact. */
#include "tt.h"

#define THREADS 4
#define ITERS 5000

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static volatile int inside, max_inside;

static void *fn(void *arg)
{
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&m);
        int in = ++inside;
        if (in > max_inside)
            max_inside = in;
        long c = counter;
        if ((i & 255) == 0)
            sched_yield();
        counter = c + 1;
        inside--;
        pthread_mutex_unlock(&m);
    }
    return 0;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, 0));
    for (int i = 0; i < THREADS; i++)
        CHECK_PT(pthread_join(t[i], 0));
    CHECK_EQ(counter, THREADS * ITERS);
    CHECK_EQ(max_inside, 1);
    PASS();
}
