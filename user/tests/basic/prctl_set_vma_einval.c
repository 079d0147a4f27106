/* prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, ...) is EINVAL on Linux 6.1 as
 * Debian builds it (no CONFIG_ANON_VMA_NAME): for a good range and name,
 * an unaligned start, a range with a hole, a bad option and a bad name
 * alike. weft answers the same. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PR_SET_VMA_VALUE 0x53564d41
#define PR_SET_VMA_ANON_NAME_VALUE 0

int main(void) {
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_ERR(prctl(PR_SET_VMA_VALUE, PR_SET_VMA_ANON_NAME_VALUE, (unsigned long)p, 8192, (unsigned long)"heap"), EINVAL);
    CHECK_ERR(prctl(PR_SET_VMA_VALUE, PR_SET_VMA_ANON_NAME_VALUE, (unsigned long)p + 1, 4096, (unsigned long)"heap"), EINVAL);
    CHECK_ERR(prctl(PR_SET_VMA_VALUE, PR_SET_VMA_ANON_NAME_VALUE, (unsigned long)p, 3 * 4096, (unsigned long)"heap"), EINVAL);
    CHECK_ERR(prctl(PR_SET_VMA_VALUE, 1, (unsigned long)p, 4096, (unsigned long)"heap"), EINVAL);
    CHECK_ERR(prctl(PR_SET_VMA_VALUE, PR_SET_VMA_ANON_NAME_VALUE, (unsigned long)p, 4096, (unsigned long)"he[p"), EINVAL);
    PASS();
}
