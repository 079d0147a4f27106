/* kill_64_threads: op = SIGKILL of a process with 64 threads (16 KiB stacks,
 * each blocked in FUTEX_WAIT) and the parent's waitpid() until it is reaped:
 * the time from kill() to waitpid()'s return. Setup is not timed: the fork,
 * and the child's creation of its threads (it reports through a pipe when all
 * 64 have started). */
#include "bench.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 64

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    *timed = 0;
    for (uint64_t i = 0; i < n; i++) {
        int ready[2];
        if (pipe(ready)) {
            bench_fail("pipe: %s", strerror(errno));
            return -1;
        }
        pid_t pid = fork();
        if (pid < 0) {
            bench_fail("fork: %s", strerror(errno));
            return -1;
        }
        if (pid == 0) {
            close(ready[0]);
            static struct parked p;
            parked_create(&p, THREADS, 16384);
            char b = p.count == THREADS ? 'y' : 'n';
            if (write(ready[1], &b, 1) != 1 || b != 'y')
                _exit(1);
            for (;;)
                pause();
        }
        close(ready[1]);
        char b = 0;
        ssize_t got = read(ready[0], &b, 1);
        close(ready[0]);
        if (got != 1 || b != 'y') {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            bench_fail("the child could not start %d threads", THREADS);
            return -1;
        }
        uint64_t t0 = now_ns();
        if (kill(pid, SIGKILL)) {
            bench_fail("kill: %s", strerror(errno));
            return -1;
        }
        int status = 0;
        if (waitpid(pid, &status, 0) != pid) {
            bench_fail("waitpid: %s", strerror(errno));
            return -1;
        }
        *timed += now_ns() - t0;
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
            bench_fail("the child was not killed by SIGKILL (status 0x%x)", status);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "kill_64_threads");
    bench_run(body, NULL, 1, 2, 1);
}
