/* threads_max: the largest number of threads one process reaches. Creates
 * threads with 16 KiB stacks, each blocked in FUTEX_WAIT, until
 * pthread_create fails (EAGAIN or ENOMEM: printed as a note) or the cap of
 * 20,000 is reached. Printed as "BENCH threads_max <count> <ns per create>":
 * the count is the figure of merit (more is better). Measured once; -q caps
 * at 200. */
#include "bench.h"

#define CAP 20000
#define STACK 16384

int main(int argc, char **argv)
{
    bench_init(argc, argv, "threads_max");
    bench_watchdog(BENCH_WATCHDOG_LONG_S);
    unsigned long cap = bench_quick ? 200 : CAP;
    static struct parked p;
    uint64_t t0 = now_ns();
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
    parked_release(&p);
    if (n == 0)
        bench_na("no thread could be created: %s", strerror(p.error));
    bench_result(n, (double)elapsed / (double)n);
}
