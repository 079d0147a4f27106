/* thread_mem_bytes: memory per blocked thread. Reads MemAvailable from
 * /proc/meminfo, creates N threads with 16 KiB stacks that block in
 * FUTEX_WAIT, reads MemAvailable again once all have started, and reports
 * (drop in bytes) / N. N is 10,000, or fewer when thread creation fails
 * first (the reason is printed as a note). Printed as
 * "BENCH thread_mem_bytes <N> <bytes per thread>". Measured once (a memory
 * figure, not a time); -q uses 100 threads. */
#include "bench.h"

#include <time.h>

#define WANT 10000
#define STACK 16384

int main(int argc, char **argv)
{
    bench_init(argc, argv, "thread_mem_bytes");
    unsigned long want = bench_quick ? 100 : WANT;
    long before = meminfo_kb("MemAvailable");
    if (before < 0)
        bench_na("cannot read MemAvailable from /proc/meminfo: %s", strerror(errno));
    static struct parked p;
    parked_create(&p, want, STACK);
    /* Let the last threads settle into FUTEX_WAIT. */
    struct timespec pause = {0, 100000000};
    nanosleep(&pause, NULL);
    long after = meminfo_kb("MemAvailable");
    int err = errno;
    unsigned long n = p.count;
    if (p.error)
        bench_note("thread creation stopped at %lu of %lu: %s", n, want, strerror(p.error));
    parked_release(&p);
    if (after < 0)
        bench_na("cannot read MemAvailable the second time: %s", strerror(err));
    if (n == 0)
        bench_na("no thread could be created: %s", strerror(p.error));
    bench_note("MemAvailable %ld kB before, %ld kB with %lu threads", before, after, n);
    bench_result(n, (double)(before - after) * 1024.0 / (double)n);
}
