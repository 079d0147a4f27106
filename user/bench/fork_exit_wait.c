/* fork_exit_wait: op = fork() of this small static process, the child's
 * _exit(0), and the parent's waitpid() of it. */
#include "bench.h"

#include <sys/wait.h>
#include <unistd.h>

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            bench_fail("fork: %s", strerror(errno));
            return -1;
        }
        if (pid == 0)
            _exit(0);
        int status = 0;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            bench_fail("waitpid: %s (status 0x%x)", strerror(errno), status);
            return -1;
        }
    }
    *timed = now_ns() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "fork_exit_wait");
    bench_run(body, NULL, 1, 3, 1);
}
