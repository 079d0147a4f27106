/* /proc/meminfo's MemFree (kB) drops by about the size of a 64 MiB
 * anonymous mapping once every page of it is touched, and comes back
 * after munmap. Linux: other activity moves MemFree too, so the checks
 * allow a margin of 16 MiB. */
#include "t.h"
#include <sys/mman.h>
#include <unistd.h>

#define SIZE (64L << 20)
#define MARGIN_KB (16L << 10)

static long memfree_kb(void) {
    FILE *f = fopen("/proc/meminfo", "r");
    CHECK(f != NULL);
    char line[128];
    long kb = -1, total = -1;
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "MemTotal: %ld kB", &total);
        sscanf(line, "MemFree: %ld kB", &kb);
    }
    fclose(f);
    CHECK(total > 0);
    CHECK(kb > 0 && kb <= total);
    return kb;
}

/* One try: 0 if MemFree followed the mapping, else why not. */
static const char *attempt(long *drop, long *back) {
    long before = memfree_kb();
    char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    long page = sysconf(_SC_PAGESIZE);
    for (long off = 0; off < SIZE; off += page)
        p[off] = 1;
    *drop = before - memfree_kb();
    CHECK_OK(munmap(p, SIZE));
    *back = memfree_kb() - (before - *drop);
    if (*drop < (SIZE >> 10) - MARGIN_KB || *drop > (SIZE >> 10) + MARGIN_KB)
        return "MemFree did not drop by the mapping's size";
    if (*back < *drop - MARGIN_KB)
        return "MemFree did not come back after munmap";
    return NULL;
}

int main(void) {
    if (memfree_kb() < 2 * (SIZE >> 10)) {
        printf("less than %ld kB free: skipped\n", 2 * (SIZE >> 10));
        PASS();
    }
    /* A busy Linux host moves MemFree by itself: a few tries. */
    const char *why = NULL;
    long drop = 0, back = 0;
    for (int i = 0; i < 5; i++)
        if (!(why = attempt(&drop, &back)))
            PASS();
    FAIL("%s: dropped %ld kB after touching %ld kB, %ld kB back after munmap", why, drop, SIZE >> 10, back);
}
