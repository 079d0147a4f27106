/* threads_max: the largest number of threads one process reaches. Creates
 * threads with 16 KiB stacks, each blocked in FUTEX_WAIT, until
 * pthread_create fails (EAGAIN or ENOMEM: printed as a note) or the cap of
 * 200,000 is reached. Printed as "BENCH threads_max <count> <ns per create>":
 * the count is the figure of merit (more is better). Measured once; -q caps
 * at 200.
 *
 * Scale notes: the time per thread of every 10,000 created (as they come,
 * which also keeps the output alive), and how much longer a thread of the
 * last tenth took to create than one of the first tenth (flat is 1.0).
 *
 * vm.max_map_count is a policy, not memory: each thread costs two
 * mappings (its stack and the guard page below it), so with Linux's
 * default of 65,530 no process passes about 32,000 threads. As root, the
 * benchmark raises it to four mappings per thread of the cap first (noted),
 * on either kernel. */
#include "bench.h"

#include <stdlib.h>

#define CAP 200000
#define STACK 16384
#define MARK_EVERY 10000
#define QUICK_CAP 200
#define QUICK_MARK_EVERY 20

static uint64_t t0;

static void on_mark(struct parked *p, unsigned long i)
{
    uint64_t since = i ? p->marks[i - 1] : t0;
    bench_note("threads %lu-%lu: %.1f us per create", i * p->mark_every, (i + 1) * p->mark_every,
               (double)(p->marks[i] - since) / 1000.0 / (double)p->mark_every);
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "threads_max");
    bench_watchdog(BENCH_WATCHDOG_SCALE_S);
    unsigned long cap = bench_quick ? QUICK_CAP : CAP;
    unsigned long every = bench_quick ? QUICK_MARK_EVERY : MARK_EVERY;
    bench_raise_max_map_count(4L * CAP);
    static struct parked p;
    p.mark_every = every;
    p.marks = calloc(cap / every, sizeof *p.marks);
    p.on_mark = on_mark;
    if (!p.marks)
        bench_na("no memory for the marks");
    t0 = now_ns();
    parked_create(&p, cap, STACK);
    uint64_t elapsed = now_ns() - t0;
    unsigned long n = p.count;
    if (p.error)
        bench_note("stopped at %lu threads: pthread_create: %s", n, strerror(p.error));
    else
        bench_note("reached the cap of %lu threads", cap);
    long limit = -1;
    FILE *f = fopen("/proc/sys/kernel/threads-max", "r");
    if (f) {
        if (fscanf(f, "%ld", &limit) == 1)
            bench_note("kernel.threads-max is %ld", limit);
        fclose(f);
    }
    /* The first and last tenth of the marks, per thread. */
    unsigned long marks = n / every, tenth = marks / 10;
    if (tenth > 0) {
        double first = (double)(p.marks[tenth - 1] - t0);
        double last = (double)(p.marks[marks - 1] - p.marks[marks - 1 - tenth]);
        bench_note("the last tenth of the threads took %.2fx the time of the first tenth", last / first);
    }
    parked_release(&p);
    if (n == 0)
        bench_na("no thread could be created: %s", strerror(p.error));
    bench_result(n, (double)elapsed / (double)n);
}
