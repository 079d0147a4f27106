/* getppid: the null system call. op = one syscall(SYS_getppid) (the raw
 * syscall, so no libc caching can hide it). */
#include "bench.h"

#include <sys/syscall.h>
#include <unistd.h>

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++)
        syscall(SYS_getppid);
    *timed = now_ns() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "getppid");
    if (syscall(SYS_getppid) < 0)
        bench_na("getppid failed: %s", strerror(errno));
    bench_run(body, NULL, 1, 1000, 1);
}
