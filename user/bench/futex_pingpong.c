/* futex_pingpong: op = one round trip between two threads of one process
 * through one futex word: the main thread hands the turn over (store +
 * FUTEX_WAKE) and waits (FUTEX_WAIT) until the partner hands it back the same
 * way. Nobody spins, so every round trip is two wakes and two sleeps. The
 * partner is created outside the timed region. */
#include "bench.h"

#include <pthread.h>

struct ctx {
    volatile int turn; /* 0: main's turn, 1: partner's */
    uint64_t n;
};

static void *partner(void *arg)
{
    struct ctx *c = arg;
    for (uint64_t i = 0; i < c->n; i++) {
        while (__atomic_load_n(&c->turn, __ATOMIC_ACQUIRE) != 1)
            futex_wait(&c->turn, 0);
        __atomic_store_n(&c->turn, 0, __ATOMIC_RELEASE);
        futex_wake(&c->turn, 1);
    }
    return NULL;
}

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    struct ctx c = {.turn = 0, .n = n};
    pthread_t t;
    int err = pthread_create(&t, NULL, partner, &c);
    if (err) {
        bench_fail("pthread_create: %s", strerror(err));
        return -1;
    }
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        __atomic_store_n(&c.turn, 1, __ATOMIC_RELEASE);
        if (futex_wake(&c.turn, 1) < 0) {
            bench_fail("FUTEX_WAKE: %s", strerror(errno));
            return -1;
        }
        while (__atomic_load_n(&c.turn, __ATOMIC_ACQUIRE) != 0)
            if (futex_wait(&c.turn, 1) < 0 && errno != EAGAIN && errno != EINTR) {
                bench_fail("FUTEX_WAIT: %s", strerror(errno));
                return -1;
            }
    }
    *timed = now_ns() - t0;
    pthread_join(t, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "futex_pingpong");
    bench_run(body, NULL, 1, 20, 1);
}
