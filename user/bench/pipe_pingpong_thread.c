/* pipe_pingpong_thread: op = one round trip of a 1-byte message between two
 * threads of one process over two pipes. Thread creation and join are not
 * timed. */
#include "bench.h"

#include <pthread.h>
#include <unistd.h>

struct ctx {
    int to_partner[2], to_main[2];
    uint64_t n;
    int failed;
};

static void *partner(void *arg)
{
    struct ctx *c = arg;
    char b;
    for (uint64_t i = 0; i < c->n; i++)
        if (read(c->to_partner[0], &b, 1) != 1 || write(c->to_main[1], &b, 1) != 1) {
            c->failed = errno ? errno : EIO;
            break;
        }
    return NULL;
}

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    struct ctx c = {.n = n};
    if (pipe(c.to_partner) || pipe(c.to_main)) {
        bench_fail("pipe: %s", strerror(errno));
        return -1;
    }
    pthread_t t;
    int err = pthread_create(&t, NULL, partner, &c);
    if (err) {
        bench_fail("pthread_create: %s", strerror(err));
        return -1;
    }
    char b = 'x';
    int ok = 1;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n && ok; i++)
        ok = write(c.to_partner[1], &b, 1) == 1 && read(c.to_main[0], &b, 1) == 1;
    *timed = now_ns() - t0;
    err = errno;
    if (!ok) {
        bench_fail("pipe read/write: %s", strerror(err));
        return -1;
    }
    pthread_join(t, NULL);
    for (int i = 0; i < 2; i++) {
        close(c.to_partner[i]);
        close(c.to_main[i]);
    }
    if (c.failed) {
        bench_fail("partner's pipe read/write: %s", strerror(c.failed));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "pipe_pingpong_thread");
    bench_run(body, NULL, 1, 20, 1);
}
