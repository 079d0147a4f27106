/* FUTEX_WAIT with a malformed timeout (tv_nsec >= 1e9 or negative) fails
 * with EINVAL; an unreadable timeout pointer with EFAULT. */
#include "tt.h"

int main(void)
{
    static volatile int word;
    struct timespec bad = {0, 1000000000L};
    CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &bad, 0, 0), EINVAL);
    bad.tv_nsec = -1;
    CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &bad, 0, 0), EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &bad, 0, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT, 0, (struct timespec *)8, 0, 0), EFAULT);
    PASS();
}
