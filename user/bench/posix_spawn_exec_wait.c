/* posix_spawn_exec_wait: op = musl's posix_spawn() of the tiny static
 * program <bench dir>/true (clone(CLONE_VM|CLONE_VFORK) + execve in the
 * child) and waitpid() for its exit. */
#include "bench.h"

#include <spawn.h>
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
        pid_t pid;
        int err = posix_spawn(&pid, path, NULL, NULL, child_argv, child_envp);
        if (err) {
            bench_fail("posix_spawn %s: %s", path, strerror(err));
            return -1;
        }
        int status = 0;
        if (waitpid(pid, &status, 0) != pid) {
            bench_fail("waitpid: %s", strerror(errno));
            return -1;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            bench_fail("%s failed (status 0x%x)", path, status);
            return -1;
        }
    }
    *timed = now_ns() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "posix_spawn_exec_wait");
    snprintf(path, sizeof path, "%s/true", bench_dir());
    bench_run(body, NULL, 1, 3, 1);
}
