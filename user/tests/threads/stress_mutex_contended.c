/* Stress: 8 threads each do N contended mutex-protected increments of a
 * plain counter; the total is exactly 8 * N. N defaults to 20000 (fits a
 * 20x slower emulator); pass another N as argv[1], e.g. 100000. */
#include "tt.h"

#define THREADS 8

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static long iters = 20000;
static pthread_barrier_t bar;

static void *fn(void *arg)
{
    pthread_barrier_wait(&bar);
    for (long i = 0; i < iters; i++) {
        pthread_mutex_lock(&m);
        counter++;
        pthread_mutex_unlock(&m);
    }
    return 0;
}

int main(int argc, char **argv)
{
    pthread_t t[THREADS];
    if (argc > 1)
        iters = atol(argv[1]);
    CHECK(iters > 0);
    CHECK_PT(pthread_barrier_init(&bar, 0, THREADS));
    for (int i = 0; i < THREADS; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, 0));
    for (int i = 0; i < THREADS; i++)
        CHECK_PT(pthread_join(t[i], 0));
    CHECK_EQ(counter, THREADS * iters);
    PASS();
}
