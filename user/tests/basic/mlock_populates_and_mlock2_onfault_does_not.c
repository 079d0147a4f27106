/* mlock faults the range in (mincore reports it resident); mlock2 with
 * MLOCK_ONFAULT locks without faulting in; mlock2 with another flag is
 * EINVAL; a hole in the range is ENOMEM. MAP_LOCKED and MAP_POPULATE map
 * the pages in at once, a plain mapping does not.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGES 8

static int resident(void *p)
{
    unsigned char v[PAGES];
    CHECK_OK(mincore(p, PAGES * 4096, v));
    int n = 0;
    for (int i = 0; i < PAGES; i++)
        n += v[i] & 1;
    return n;
}

static char *map(int extra)
{
    char *p = mmap(0, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
    CHECK(p != MAP_FAILED);
    return p;
}

int main(void)
{
    char *p = map(0);
    CHECK_EQ(resident(p), 0);
    CHECK_ERR(syscall(SYS_mlock2, p, 4096, 2), EINVAL);
    CHECK_OK(syscall(SYS_mlock2, p, PAGES * 4096, 1 /* MLOCK_ONFAULT */));
    CHECK_EQ(resident(p), 0);
    CHECK_OK(munlock(p, PAGES * 4096));
    CHECK_OK(mlock(p + 100, PAGES * 4096 - 100));
    CHECK_EQ(resident(p), PAGES);
    CHECK_OK(munlock(p, PAGES * 4096));

    char *q = map(0);
    CHECK_OK(munmap(q + 4096, 4096));
    CHECK_ERR(mlock(q, 3 * 4096), ENOMEM);

    CHECK_EQ(resident(map(MAP_POPULATE)), PAGES);
    char *l = map(MAP_LOCKED);
    CHECK_EQ(resident(l), PAGES);
    CHECK_OK(munlock(l, PAGES * 4096));
    PASS();
}
