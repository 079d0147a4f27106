/* thread_mem_bytes: memory per blocked thread. Reads MemAvailable from
 * /proc/meminfo, creates N threads with 16 KiB stacks that block in
 * FUTEX_WAIT, reads MemAvailable again once all have started, and reports
 * (drop in bytes) / N. Without /proc/meminfo it uses the drop of
 * sysinfo(2)'s freeram instead and says so; with both, the freeram figure is
 * printed as a note for comparison. N is 10,000, or fewer when thread
 * creation fails first (the reason is printed as a note). Printed as
 * "BENCH thread_mem_bytes <N> <bytes per thread>". Measured once (a memory
 * figure, not a time); -q uses 100 threads. */
#include "bench.h"

#include <sys/sysinfo.h>
#include <time.h>

#define WANT 10000
#define STACK 16384

/* sysinfo(2)'s free memory in KiB, or -1. */
static long freeram_kb(void)
{
    struct sysinfo si;
    if (sysinfo(&si))
        return -1;
    return (long)((unsigned long long)si.freeram * si.mem_unit / 1024);
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "thread_mem_bytes");
    bench_watchdog(BENCH_WATCHDOG_LONG_S);
    unsigned long want = bench_quick ? 100 : WANT;
    long avail0 = meminfo_kb("MemAvailable"), free0 = freeram_kb();
    if (avail0 < 0 && free0 < 0)
        bench_na("neither /proc/meminfo nor sysinfo(2) works: %s", strerror(errno));
    static struct parked p;
    parked_create(&p, want, STACK);
    /* Let the last threads settle into FUTEX_WAIT. */
    struct timespec pause = {0, 100000000};
    nanosleep(&pause, NULL);
    long avail1 = avail0 < 0 ? -1 : meminfo_kb("MemAvailable");
    long free1 = free0 < 0 ? -1 : freeram_kb();
    unsigned long n = p.count;
    if (p.error)
        bench_note("thread creation stopped at %lu of %lu: %s", n, want, strerror(p.error));
    parked_release(&p);
    if (n == 0)
        bench_na("no thread could be created: %s", strerror(p.error));
    if (free0 >= 0 && free1 >= 0)
        bench_note("sysinfo freeram %ld kB before, %ld kB with %lu threads: %.0f bytes per thread", free0, free1,
                   n, (double)(free0 - free1) * 1024.0 / (double)n);
    if (avail0 >= 0 && avail1 >= 0) {
        bench_note("MemAvailable %ld kB before, %ld kB with %lu threads", avail0, avail1, n);
        bench_result(n, (double)(avail0 - avail1) * 1024.0 / (double)n);
    }
    if (avail0 < 0 && free0 >= 0 && free1 >= 0) {
        bench_note("no /proc/meminfo: the figure is the drop of sysinfo freeram");
        bench_result(n, (double)(free0 - free1) * 1024.0 / (double)n);
    }
    bench_na("free memory could not be read the second time");
}
