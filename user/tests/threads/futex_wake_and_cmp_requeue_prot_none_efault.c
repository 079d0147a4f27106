/* A shared FUTEX_WAKE must look its word's page up (Linux get_futex_key
 * through get_user_pages_fast), so a PROT_NONE word gives EFAULT; a
 * FUTEX_CMP_REQUEUE reads the word, so an unmapped or PROT_NONE one gives
 * EFAULT even for a private futex.
 * Checked on Linux 6.1 in QEMU. */
#include "tt.h"

int main(void)
{
    char *p = mmap(0, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_OK(mprotect(p, 4096, PROT_NONE));
    CHECK_OK(munmap(p + 4096, 4096));
    volatile int *none = (volatile int *)p;
    volatile int *gone = (volatile int *)(p + 4096);
    static int other;
    CHECK_ERR(futex(none, FUTEX_WAKE, 1, 0, 0, 0), EFAULT);
    CHECK_ERR(futex(none, FUTEX_CMP_REQUEUE, 1, (void *)1, &other, 0), EFAULT);
    CHECK_ERR(futex(none, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void *)1, &other, 0), EFAULT);
    CHECK_ERR(futex(gone, FUTEX_CMP_REQUEUE, 1, (void *)1, &other, 0), EFAULT);
    CHECK_ERR(futex(gone, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void *)1, &other, 0), EFAULT);
    PASS();
}
