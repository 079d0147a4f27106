/* hackbench: scheduler and pipe throughput, measured by Debian's rt-tests
 * hackbench (/usr/bin/hackbench, put into the bench initramfs by cargo
 * xtask with the libraries it needs):
 *
 *     hackbench -p -g 8 -l 500
 *
 * 8 groups of 20 sender and 20 receiver processes (320 in all); every
 * sender writes 500 messages of 100 bytes to each receiver of its group
 * through pipes. hackbench prints "Time: <seconds>" for the message
 * passing (process creation excluded).
 *
 *     BENCH hackbench <loops> <seconds>        less is better
 *
 * or "BENCH hackbench n/a failed: ..." when hackbench fails. -q: 20 loops. */
#include "bench.h"

#include <sys/wait.h>

static char out[65536];

int main(int argc, char **argv)
{
    bench_init(argc, argv, "hackbench");
    bench_watchdog(BENCH_WATCHDOG_LONG_S);
    const char *path = "/usr/bin/hackbench";
    const char *loops = bench_quick ? "20" : "500";
    char *args[] = {(char *)path, "-p", "-g", "8", "-l", (char *)loops, NULL};
    int status = external_run(args, out, sizeof out);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        external_failed(path, status, out, "\"Time:\" line");
    const char *at = strstr(out, "Time: ");
    char *stop;
    double secs = at ? strtod(at + 6, &stop) : 0;
    if (!at || stop == at + 6 || !(secs > 0))
        external_failed(path, status, out, "\"Time:\" line");
    printf("BENCH hackbench %s %.3f\n", loops, secs);
    return 0;
}
