/* sched_yield: two threads of one process, both pinned to CPU 0 with
 * sched_setaffinity, each call sched_yield() n times, so every yield hands
 * the CPU to the other thread. op = one yield (elapsed / 2n): a system call
 * plus a thread switch. Thread creation is not timed; the clock starts when
 * both threads are pinned and ready. */
#include "bench.h"

#include <pthread.h>
#include <sched.h>

struct ctx {
    volatile int ready, go;
    uint64_t n;
    int err;
};

static int pin0(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    return sched_setaffinity(0, sizeof set, &set) ? errno : 0;
}

static void *partner(void *arg)
{
    struct ctx *c = arg;
    c->err = pin0();
    __atomic_store_n(&c->ready, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE))
        sched_yield();
    for (uint64_t i = 0; i < c->n; i++)
        sched_yield();
    return NULL;
}

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    struct ctx c = {.n = n};
    pthread_t t;
    int err = pthread_create(&t, NULL, partner, &c);
    if (err) {
        bench_fail("pthread_create: %s", strerror(err));
        return -1;
    }
    while (!__atomic_load_n(&c.ready, __ATOMIC_ACQUIRE))
        sched_yield();
    if (c.err) {
        bench_fail("sched_setaffinity(CPU 0): %s", strerror(c.err));
        return -1;
    }
    uint64_t t0 = now_ns();
    __atomic_store_n(&c.go, 1, __ATOMIC_RELEASE);
    for (uint64_t i = 0; i < n; i++)
        sched_yield();
    pthread_join(t, NULL);
    *timed = now_ns() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "sched_yield");
    int err = pin0();
    if (err)
        bench_na("sched_setaffinity(CPU 0): %s", strerror(err));
    bench_run(body, NULL, 2, 100, 1);
}
