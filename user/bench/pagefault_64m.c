/* pagefault_64m: op = one first-touch page fault. Each 64 MiB region of
 * private anonymous memory gets madvise(MADV_NOHUGEPAGE) (Linux would
 * otherwise map 2 MiB pages) and then one byte of each 4 KiB page is written.
 * Only the touch loop is timed; mmap, madvise and munmap are not. n is a
 * whole number of regions' pages. */
#include "bench.h"

#include <sys/mman.h>

#define REGION (64ul << 20)
#define PAGE 4096ul
#define PAGES (REGION / PAGE)

static int no_madvise;

static int body(void *arg, uint64_t n, uint64_t *timed)
{
    (void)arg;
    *timed = 0;
    for (uint64_t done = 0; done < n; done += PAGES) {
        char *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            bench_fail("mmap 64 MiB: %s", strerror(errno));
            return -1;
        }
        if (madvise(p, REGION, MADV_NOHUGEPAGE))
            no_madvise = errno;
        uint64_t t0 = now_ns();
        for (volatile char *q = p; q < p + REGION; q += PAGE)
            *q = 1;
        *timed += now_ns() - t0;
        if (munmap(p, REGION)) {
            bench_fail("munmap: %s", strerror(errno));
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv, "pagefault_64m");
    /* bench_run exits; report a refused madvise first (not fatal: a kernel
     * without huge pages needs none). */
    char *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        bench_na("mmap 64 MiB: %s", strerror(errno));
    if (madvise(p, REGION, MADV_NOHUGEPAGE))
        bench_note("madvise(MADV_NOHUGEPAGE) failed: %s (ignored)", strerror(errno));
    munmap(p, REGION);
    bench_run(body, NULL, 1, PAGES, PAGES);
}
