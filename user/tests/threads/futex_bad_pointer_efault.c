/* FUTEX_WAIT on an unmapped or kernel address fails with EFAULT (the
 * value cannot be read); so does a shared FUTEX_WAKE, which must look the
 * page up. */
#include "tt.h"

int main(void)
{
    char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_OK(munmap(p, 4096));
    volatile int *gone = (volatile int *)p;
    volatile int *kern = (volatile int *)0xffff800000001000UL;
    struct timespec ts = {1, 0};
    CHECK_ERR(futex(gone, FUTEX_WAIT, 0, &ts, 0, 0), EFAULT);
    CHECK_ERR(futex(gone, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts, 0, 0), EFAULT);
    CHECK_ERR(futex(kern, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts, 0, 0), EFAULT);
    CHECK_ERR(futex((volatile int *)8, FUTEX_WAIT, 0, &ts, 0, 0), EFAULT);
    CHECK_ERR(futex(gone, FUTEX_WAKE, 1, 0, 0, 0), EFAULT);
    PASS();
}
