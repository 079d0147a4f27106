/* 10,000 threads play futex ping-pong in 5,000 pairs for 20 s (issue 15;
 * the suite runs it at 8 CPUs). Each pair shares one word saying whose turn
 * it is: a thread waits (FUTEX_WAIT, no timeout) until the word names it,
 * then hands the turn over and wakes its partner (FUTEX_WAKE).
 *
 * When the time is up every thread hands the turn over once more and
 * leaves, so a pair ends only through its own wakes: nobody else wakes
 * the players. A lost wake-up therefore leaves a thread asleep for good
 * while the word names it. Every thread must be joined within 60 s of the
 * stop; a thread that is not, with the turn its own, is a lost wake-up.
 *
 * The pairs must have played, but not every one: under emulation a pair
 * created last can wait all 20 s for its first turn. Fair scheduling (CFS,
 * as in weft) starts a new thread a little past the CPU's floor and keeps
 * frequent sleepers just below it, so the last-made threads run once
 * every other queued one has caught up; at 10,000 threads that takes
 * longer than the run (about 20 pairs of 5,000 here). Linux 6.1 in the
 * same QEMU at 8 CPUs (threads-max raised to 30,000) is alike: 10 pairs
 * never played, and its main thread, starved the same way, came back from
 * its 20 s sleep after 98 s (weft: 20.2 s; all joined after 22.8 s).
 *
 * PINGPONG_SECONDS overrides the 20 s (for quick runs by hand). */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../lib/t.h"

/* musl has no <linux/futex.h>. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128

#define PAIRS 5000
#define JOIN_LIMIT_S 60

struct pair {
    _Alignas(64) atomic_int turn; /* 0 or 1: which side plays next */
    atomic_long rounds;
};

static struct pair pairs[PAIRS];
static atomic_int go, stop;

static long futex(atomic_int *word, int op, int val)
{
    return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, val, NULL, NULL, 0);
}

static void hand_over(struct pair *p, int other)
{
    atomic_store(&p->turn, other);
    futex(&p->turn, FUTEX_WAKE, 1);
}

static void *player(void *arg)
{
    long id = (long)arg;
    struct pair *p = &pairs[id / 2];
    int me = id % 2, other = !me;
    /* Play only once every thread is there: otherwise the creator would
     * share the CPUs with thousands of players while it creates. */
    while (!atomic_load(&go))
        futex(&go, FUTEX_WAIT, 0);
    for (;;) {
        while (atomic_load(&p->turn) != me) {
            /* The partner leaves by handing the turn over: then it is ours. */
            futex(&p->turn, FUTEX_WAIT, other);
        }
        if (atomic_load(&stop))
            break;
        atomic_fetch_add(&p->rounds, 1);
        hand_over(p, other);
    }
    hand_over(p, other);
    return NULL;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(void)
{
    const char *env = getenv("PINGPONG_SECONDS");
    int seconds = env ? atoi(env) : 20;
    pthread_attr_t attr;
    CHECK_EQ(pthread_attr_init(&attr), 0);
    CHECK_EQ(pthread_attr_setstacksize(&attr, 16384), 0);
    static pthread_t threads[2 * PAIRS];
    for (long i = 0; i < 2 * PAIRS; i++) {
        int e = pthread_create(&threads[i], &attr, player, (void *)i);
        if (e != 0)
            FAIL("pthread_create of thread %ld: %s", i, strerror(e));
    }
    printf("%d threads created\n", 2 * PAIRS);
    fflush(stdout);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    atomic_store(&go, 1);
    futex(&go, FUTEX_WAKE, INT_MAX);
    sleep(seconds);
    atomic_store(&stop, 1);
    printf("stopped after %.1f s\n", seconds_since(&start));
    fflush(stdout);

    struct timespec limit;
    clock_gettime(CLOCK_REALTIME, &limit);
    limit.tv_sec += JOIN_LIMIT_S;
    long lost = 0, stuck = 0;
    for (long i = 0; i < 2 * PAIRS; i++) {
        if (pthread_timedjoin_np(threads[i], NULL, &limit) == 0)
            continue;
        stuck++;
        if (atomic_load(&pairs[i / 2].turn) == i % 2) {
            lost++;
            printf("thread %ld sleeps while the turn is its own\n", i);
        }
    }
    long total = 0, idle_pairs = 0, least = LONG_MAX;
    for (int i = 0; i < PAIRS; i++) {
        long r = atomic_load(&pairs[i].rounds);
        total += r;
        idle_pairs += r == 0;
        if (r < least)
            least = r;
    }
    printf("%ld rounds in %d s by %d pairs (fewest %ld, %ld never played); joined %.1f s after the start; %ld not joined\n", total, seconds,
           PAIRS, least, idle_pairs, seconds_since(&start), stuck);
    CHECK_EQ(lost, 0);
    CHECK_EQ(stuck, 0);
    CHECK(total >= 10L * PAIRS);
    CHECK(idle_pairs < PAIRS / 10);
    PASS();
}
