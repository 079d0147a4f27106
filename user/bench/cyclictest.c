/* cyclictest: timer wakeup latency, measured by Debian's rt-tests
 * cyclictest (/usr/bin/cyclictest, put into the bench initramfs by cargo
 * xtask with the libraries it needs):
 *
 *     cyclictest -q -m -t 2 -p 80 -i 1000 -l 5000
 *
 * Two SCHED_FIFO priority 80 threads (mlockall'd) sleep with
 * clock_nanosleep(TIMER_ABSTIME) to the next period (1000 µs for thread 0,
 * 1500 µs for thread 1: cyclictest's default distance of 500 µs) and
 * measure how late they wake. -q prints only the summary,
 * one line per thread:
 *
 *     T: 0 (  123) P:80 I:1000 C:   5000 Min:      3 Act:    5 Avg:    6 Max:      25
 *
 * cyclictest stops every thread when thread 0 has run its 5000 loops, so
 * thread 1 has about 3333 samples. Two result lines (values in µs; less is
 * better; the second field counts the samples of both threads):
 *
 *     BENCH cyclictest_max <samples> <the worst thread's Max>
 *     BENCH cyclictest_avg <samples> <the mean of the threads' Avg>
 *
 * or one "BENCH cyclictest n/a failed: ..." when cyclictest fails (for
 * example when sched_setscheduler(SCHED_FIFO) is refused), which cargo
 * xtask shows in both rows. -q: 200 loops. */
#include "bench.h"

#include <sys/wait.h>

#define THREADS 2

static char out[65536];

/* The number after `key` on `line` (up to the end of the line), or -1. */
static long field(const char *line, const char *key)
{
    const char *end = strchr(line, '\n');
    const char *at = strstr(line, key);
    if (!at || (end && at > end))
        return -1;
    char *stop;
    long v = strtol(at + strlen(key), &stop, 10);
    return stop == at + strlen(key) ? -1 : v;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "cyclictest");
    /* Thread 1 alone sleeps 5000 x 1.5 ms = 7.5 s; under TCG the boot
     * around it is slow, so take the long limit. */
    bench_watchdog(BENCH_WATCHDOG_LONG_S);
    const char *path = "/usr/bin/cyclictest";
    char *args[] = {(char *)path, "-q", "-m", "-t", "2", "-p", "80", "-i", "1000", "-l",
                    bench_quick ? "200" : "5000", NULL};
    int status = external_run(args, out, sizeof out);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        external_failed(path, status, out, "summary");

    long loops = 0, max = -1, avg_sum = 0;
    int threads = 0;
    for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "T:", 2) != 0)
            continue;
        long c = field(line, "C:"), mn = field(line, "Min:"), av = field(line, "Avg:"), mx = field(line, "Max:");
        if (c <= 0 || mn < 0 || av < 0 || mx < 0 || mn > av || av > mx)
            bench_na("failed: implausible cyclictest summary line \"%.*s\"", (int)strcspn(line, "\n"), line);
        loops += c;
        if (mx > max)
            max = mx;
        avg_sum += av;
        threads++;
    }
    if (threads != THREADS)
        external_failed(path, status, out, "summary for 2 threads");
    printf("BENCH cyclictest_max %ld %ld\n", loops, max);
    printf("BENCH cyclictest_avg %ld %.1f\n", loops, (double)avg_sum / threads);
    return 0;
}
