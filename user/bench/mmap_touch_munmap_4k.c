/* mmap_touch_munmap_4k: op = mmap of 4 KiB of private anonymous memory,
 * a write of one byte (one page fault), and munmap. */
#include "bench.h"

#include <sys/mman.h>

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            bench_fail("mmap: %s", strerror(errno));
            return -1;
        }
        p[0] = 1;
        if (munmap((void *)p, 4096)) {
            bench_fail("munmap: %s", strerror(errno));
            return -1;
        }
    }
    *timed = now_ns() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "mmap_touch_munmap_4k");
    bench_run(body, NULL, 1, 20, 1);
}
