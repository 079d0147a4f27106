/* A futex word must be 4-byte aligned: WAIT and WAKE on a misaligned
 * address fail with EINVAL. */
#include "tt.h"

int main(void)
{
    static int words[4] __attribute__((aligned(16)));
    volatile int *odd = (volatile int *)((char *)words + 1);
    volatile int *two = (volatile int *)((char *)words + 2);
    CHECK_ERR(futex(odd, FUTEX_WAIT, 0, 0, 0, 0), EINVAL);
    CHECK_ERR(futex(two, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0), EINVAL);
    CHECK_ERR(futex(odd, FUTEX_WAKE, 1, 0, 0, 0), EINVAL);
    CHECK_ERR(futex(two, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), EINVAL);
    PASS();
}
