/* FUTEX_CMP_REQUEUE fails with EAGAIN when *uaddr differs from val3, and
 * moves nobody; with a matching value it succeeds (0 waiters here). */
#include "tt.h"

int main(void)
{
    static volatile int A = 7, B;
    CHECK_ERR(syscall(SYS_futex, &A, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, 1L, &B, 8), EAGAIN);
    CHECK_ERR(syscall(SYS_futex, &A, FUTEX_CMP_REQUEUE, 0, 10L, &B, 0), EAGAIN);
    CHECK_EQ(syscall(SYS_futex, &A, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, 1L, &B, 7), 0);
    /* A negative nr_wake or nr_requeue is EINVAL. */
    CHECK_ERR(syscall(SYS_futex, &A, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, -1, 1L, &B, 7), EINVAL);
    PASS();
}
