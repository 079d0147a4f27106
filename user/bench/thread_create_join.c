/* thread_create_join: op = pthread_create of a thread that returns at once
 * (default attributes: musl's 128 KiB stack) + pthread_join. */
#include "bench.h"

#include <pthread.h>

static void *empty(void *arg) { return arg; }

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        pthread_t t;
        void *ret;
        int err = pthread_create(&t, NULL, empty, (void *)(uintptr_t)i);
        if (err) {
            bench_fail("pthread_create: %s", strerror(err));
            return -1;
        }
        err = pthread_join(t, &ret);
        if (err || ret != (void *)(uintptr_t)i) {
            bench_fail("pthread_join: %s", err ? strerror(err) : "wrong return value");
            return -1;
        }
    }
    *timed = now_ns() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "thread_create_join");
    bench_run(body, NULL, 1, 5, 1);
}
