/* gettid: a second trivial system call, reading the calling thread's id.
 * op = one syscall(SYS_gettid). */
#include "bench.h"

#include <sys/syscall.h>
#include <unistd.h>

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++)
        syscall(SYS_gettid);
    *timed = now_ns() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "gettid");
    if (syscall(SYS_gettid) != getpid())
        bench_na("gettid of the main thread is not the pid");
    bench_run(body, NULL, 1, 1000, 1);
}
