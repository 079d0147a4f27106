/* pipe_pingpong_proc: op = one round trip of a 1-byte message between a
 * parent and its forked child over two pipes (parent writes, child reads and
 * writes back, parent reads). The fork and the final wait are not timed. */
#include "bench.h"

#include <sys/wait.h>
#include <unistd.h>

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    int to_child[2], to_parent[2];
    if (pipe(to_child) || pipe(to_parent)) {
        bench_fail("pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        bench_fail("fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        char b;
        for (uint64_t i = 0; i < n; i++)
            if (read(to_child[0], &b, 1) != 1 || write(to_parent[1], &b, 1) != 1)
                _exit(1);
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    char b = 'x';
    int ok = 1;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n && ok; i++)
        ok = write(to_child[1], &b, 1) == 1 && read(to_parent[0], &b, 1) == 1;
    *timed = now_ns() - t0;
    int err = errno;
    close(to_child[1]);
    close(to_parent[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        bench_fail("waitpid: %s", strerror(errno));
        return -1;
    }
    if (!ok) {
        bench_fail("pipe read/write: %s", strerror(err));
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        bench_fail("child failed (status 0x%x)", status);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "pipe_pingpong_proc");
    bench_run(body, NULL, 1, 20, 1);
}
