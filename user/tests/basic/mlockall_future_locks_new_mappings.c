/* mlockall: flags 0, an unknown flag, or MCL_ONFAULT alone are EINVAL.
 * MCL_FUTURE makes later mappings locked, so they are faulted in at once
 * (mincore), heap growth by brk included; munlockall ends it.
 * MCL_FUTURE|MCL_ONFAULT locks them on fault only.
 * Checked on Linux 6.1 in QEMU (as root: no RLIMIT_MEMLOCK bound). */
#include "t.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGES 4

static int resident_new_mapping(void)
{
    char *p = mmap(0, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    unsigned char v[PAGES];
    CHECK_OK(mincore(p, PAGES * 4096, v));
    int n = 0;
    for (int i = 0; i < PAGES; i++)
        n += v[i] & 1;
    CHECK_OK(munmap(p, PAGES * 4096));
    return n;
}

int main(void)
{
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    CHECK_ERR(mlockall(0), EINVAL);
    CHECK_ERR(mlockall(MCL_ONFAULT), EINVAL);
    CHECK_ERR(mlockall(MCL_CURRENT | 8), EINVAL);
    CHECK_EQ(resident_new_mapping(), 0);
    CHECK_OK(mlockall(MCL_FUTURE));
    CHECK_EQ(resident_new_mapping(), PAGES);
    /* The heap grows locked too: brk from a page boundary, 4 pages up. */
    unsigned long cur = syscall(SYS_brk, 0);
    unsigned long base = (cur + 4095) & ~4095UL;
    CHECK_EQ(syscall(SYS_brk, base + PAGES * 4096), base + PAGES * 4096);
    unsigned char v[PAGES];
    CHECK_OK(mincore((void *)base, PAGES * 4096, v));
    for (int i = 0; i < PAGES; i++)
        CHECK_EQ(v[i] & 1, 1);
    CHECK_OK(mlockall(MCL_FUTURE | MCL_ONFAULT));
    CHECK_EQ(resident_new_mapping(), 0);
    CHECK_OK(munlockall());
    CHECK_EQ(resident_new_mapping(), 0);
    PASS();
}
