/* WEFT-ONLY: writes /proc/sys/vm/max_map_count.
 *
 * vm/max_map_count (default 65530; negative EINVAL) bounds the VMAs of a
 * process: mmap fails with ENOMEM once the count is above it, and so do
 * an mprotect and a munmap that would split a VMA in two.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include "sysctl.h"
#include <sys/mman.h>

static const char *knob = "/proc/sys/vm/max_map_count";

int main(void)
{
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    CHECK_EQ(sysctl_long(knob), 65530);
    CHECK_ERR(sysctl_write(knob, "-1\n"), EINVAL);
    /* Room for 400 separate pages, and a 3-page VMA to split later. */
    char *area = mmap(0, 800 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    char *three = mmap(0, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(three != MAP_FAILED);
    CHECK_OK(sysctl_write(knob, "200\n"));
    int made = 0, err = 0;
    for (int i = 0; i < 400; i++) {
        void *p = mmap(area + 2 * i * 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED) {
            err = errno;
            break;
        }
        made++;
    }
    int prot_err = mprotect(three + 4096, 4096, PROT_READ | PROT_WRITE) == -1 ? errno : 0;
    int unmap_err = munmap(three + 4096, 4096) == -1 ? errno : 0;
    CHECK_OK(sysctl_write(knob, "65530\n"));
    CHECK_EQ(err, ENOMEM);
    /* Each page splits the PROT_NONE area: two more VMAs a page. */
    if (made < 50 || made >= 100)
        FAIL("%d mappings before ENOMEM", made);
    CHECK_EQ(prot_err, ENOMEM);
    CHECK_EQ(unmap_err, ENOMEM);
    CHECK_OK(mprotect(three + 4096, 4096, PROT_READ | PROT_WRITE));
    PASS();
}
