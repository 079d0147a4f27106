/* The contended-mutex benchmark, shared by mutex_contended_2t and _4t. */
#include "bench.h"

#include <pthread.h>
#include <time.h>

struct contend {
    pthread_mutex_t lock;
    volatile uint64_t counter;
    volatile int gate;
    volatile int ready;
    uint64_t n;
};

static void *worker(void *arg)
{
    struct contend *c = arg;
    __atomic_fetch_add(&c->ready, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&c->gate, __ATOMIC_ACQUIRE))
        futex_wait(&c->gate, 0);
    for (uint64_t i = 0; i < c->n; i++) {
        pthread_mutex_lock(&c->lock);
        c->counter++;
        pthread_mutex_unlock(&c->lock);
    }
    return NULL;
}

static int threads;

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    struct contend c = {.lock = PTHREAD_MUTEX_INITIALIZER, .n = n};
    pthread_t t[8];
    for (int i = 0; i < threads; i++) {
        int err = pthread_create(&t[i], NULL, worker, &c);
        if (err) {
            bench_fail("pthread_create: %s", strerror(err));
            return -1;
        }
    }
    while (__atomic_load_n(&c.ready, __ATOMIC_SEQ_CST) < threads) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    uint64_t t0 = now_ns();
    __atomic_store_n(&c.gate, 1, __ATOMIC_RELEASE);
    futex_wake(&c.gate, threads);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    *timed = now_ns() - t0;
    if (c.counter != n * (uint64_t)threads) {
        bench_fail("counter is %llu, expected %llu: the mutex did not exclude",
                   (unsigned long long)c.counter, (unsigned long long)(n * threads));
        return -1;
    }
    return 0;
}

void mutex_contended_main(int argc, char **argv, const char *name, int nthreads)
{
    bench_init(argc, argv, name);
    threads = nthreads;
    bench_run(body, NULL, (uint64_t)nthreads, 1000, 1);
}
