/* vfork_exec_wait: op = vfork(), execve() of the tiny static program
 * <bench dir>/true in the child, and waitpid() for its exit in the parent. */
#include "bench.h"

#include <sys/wait.h>
#include <unistd.h>

static char path[300];
static char *child_argv[] = {"true", NULL};
static char *child_envp[] = {NULL};

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        pid_t pid = vfork();
        if (pid < 0) {
            bench_fail("vfork: %s", strerror(errno));
            return -1;
        }
        if (pid == 0) {
            execve(path, child_argv, child_envp);
            _exit(127);
        }
        int status = 0;
        if (waitpid(pid, &status, 0) != pid) {
            bench_fail("waitpid: %s", strerror(errno));
            return -1;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            bench_fail("%s failed (status 0x%x%s)", path, status,
                       WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": execve failed" : "");
            return -1;
        }
    }
    *timed = now_ns() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "vfork_exec_wait");
    snprintf(path, sizeof path, "%s/true", bench_dir());
    bench_run(body, NULL, 1, 3, 1);
}
