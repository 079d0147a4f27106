/* /proc/self/status VmLck is the size of the locked mappings: mlock of
 * 3 pages adds 12 kB, locking them again adds nothing, munlock takes them
 * away.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include "sysstate.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    long before = self_status_kb("VmLck");
    char *p = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_OK(mlock(p, 3 * 4096));
    CHECK_EQ(self_status_kb("VmLck"), before + 12);
    CHECK_OK(mlock(p + 4096, 4096));
    CHECK_EQ(self_status_kb("VmLck"), before + 12);
    CHECK_OK(munlock(p, 2 * 4096));
    CHECK_EQ(self_status_kb("VmLck"), before + 4);
    CHECK_OK(munlock(p, 3 * 4096));
    CHECK_EQ(self_status_kb("VmLck"), before);
    PASS();
}
