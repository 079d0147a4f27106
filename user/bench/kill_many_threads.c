/* kill_many_threads: op = one thread of a process killed with SIGKILL and
 * reaped, when the process has many threads: up to 100,000 with 16 KiB
 * stacks, each blocked in FUTEX_WAIT, fewer when kernel.threads-max leaves
 * less room (Linux at 1 GiB: about 7,000) or pthread_create fails first.
 * The time runs from kill() to waitpid()'s return and is divided by the
 * number of threads (a note gives it). Measured once; -q: 200 threads.
 * Setup is not timed: the fork and the child's thread creation. */
#include "bench.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define WANT 100000
#define QUICK_WANT 200
/* Room left under threads-max for everything else running. */
#define HEADROOM 1000

/* How many threads to create: WANT, or what threads-max leaves. */
static unsigned long target(void)
{
    unsigned long want = bench_quick ? QUICK_WANT : WANT;
    long limit = -1;
    FILE *f = fopen("/proc/sys/kernel/threads-max", "r");
    if (f) {
        if (fscanf(f, "%ld", &limit) != 1)
            limit = -1;
        fclose(f);
    }
    if (limit > HEADROOM && (unsigned long)(limit - HEADROOM) < want)
        want = limit - HEADROOM;
    return want;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "kill_many_threads");
    bench_watchdog(BENCH_WATCHDOG_SCALE_S);
    unsigned long want = target();
    bench_raise_max_map_count(4L * WANT);
    int ready[2];
    if (pipe(ready))
        bench_na("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        bench_na("fork: %s", strerror(errno));
    if (pid == 0) {
        close(ready[0]);
        static struct parked p;
        parked_create(&p, want, 16384);
        unsigned long count = p.count;
        if (write(ready[1], &count, sizeof count) != sizeof count)
            _exit(1);
        for (;;)
            pause();
    }
    close(ready[1]);
    unsigned long count = 0;
    ssize_t got = read(ready[0], &count, sizeof count);
    close(ready[0]);
    if (got != sizeof count || count == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        bench_na("the child started no threads");
    }
    uint64_t t0 = now_ns();
    if (kill(pid, SIGKILL))
        bench_na("kill: %s", strerror(errno));
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        bench_na("waitpid: %s", strerror(errno));
    uint64_t elapsed = now_ns() - t0;
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        bench_na("the child did not die of SIGKILL (status %#x)", status);
    bench_note("%lu threads (of %lu wanted) killed and reaped in %.1f ms", count, want, (double)elapsed / 1e6);
    bench_result(count, (double)elapsed / (double)count);
}
