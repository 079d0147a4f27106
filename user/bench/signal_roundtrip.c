/* signal_roundtrip: op = raising SIGUSR1 at the calling thread
 * (tgkill(getpid(), gettid(), SIGUSR1): what raise() does, without musl's
 * extra signal-mask calls), running its handler, and returning from it
 * through rt_sigreturn. The handler counts; the count is checked. */
#include "bench.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile uint64_t handled;

static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    pid_t pid = getpid();
    pid_t tid = (pid_t)syscall(SYS_gettid);
    handled = 0;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++)
        if (syscall(SYS_tgkill, pid, tid, SIGUSR1)) {
            bench_fail("tgkill: %s", strerror(errno));
            return -1;
        }
    *timed = now_ns() - t0;
    if (handled != n) {
        bench_fail("the handler ran %llu times for %llu signals", (unsigned long long)handled,
                   (unsigned long long)n);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "signal_roundtrip");
    struct sigaction sa = {.sa_handler = on_usr1};
    if (sigaction(SIGUSR1, &sa, NULL))
        bench_na("sigaction: %s", strerror(errno));
    bench_run(body, NULL, 1, 100, 1);
}
