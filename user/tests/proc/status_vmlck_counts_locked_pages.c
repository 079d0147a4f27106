/* /proc/self/status VmLck is the size of the locked mappings: mlock of
 * 3 pages adds 12 kB, locking them again adds nothing, munlock takes them
 * away.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

static long vmlck_kb(void)
{
    static char buf[8192];
    int fd = open("/proc/self/status", O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECK(n > 0);
    buf[n] = 0;
    close(fd);
    char *line = strstr(buf, "\nVmLck:");
    CHECK(line != NULL);
    return atol(line + strlen("\nVmLck:"));
}

int main(void)
{
    long before = vmlck_kb();
    char *p = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_OK(mlock(p, 3 * 4096));
    CHECK_EQ(vmlck_kb(), before + 12);
    CHECK_OK(mlock(p + 4096, 4096));
    CHECK_EQ(vmlck_kb(), before + 12);
    CHECK_OK(munlock(p, 2 * 4096));
    CHECK_EQ(vmlck_kb(), before + 4);
    CHECK_OK(munlock(p, 3 * 4096));
    CHECK_EQ(vmlck_kb(), before);
    PASS();
}
