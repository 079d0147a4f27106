/* futex_waitv returns EAGAIN at once when any word differs from its
 * entry's value, whether the first, a middle or the last entry, and
 * leaves nothing queued on the words checked before it (a later
 * FUTEX_WAKE finds no waiter). Fails on weft before futex_waitv
 * existed (ENOSYS); passes on Linux. */
#include "tt.h"

int main(void)
{
    static volatile int words[3] = {5, 6, 7};
    struct futex_waitv w[3];
    for (int bad = 0; bad < 3; bad++) {
        for (int i = 0; i < 3; i++)
            waitv_set(&w[i], &words[i], words[i] + (i == bad), FUTEX2_SIZE_U32 | FUTEX2_PRIVATE);
        long long t0 = now_ns(CLOCK_MONOTONIC);
        CHECK_ERR(futex_waitv(w, 3, 0, 0, 0), EAGAIN);
        CHECK(now_ns(CLOCK_MONOTONIC) - t0 < 5000000000LL);
        for (int i = 0; i < 3; i++)
            CHECK_EQ(futex(&words[i], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 10, 0, 0, 0), 0);
    }
    /* A shared (non-private) entry compares the same way. */
    waitv_set(&w[0], &words[0], 4, FUTEX2_SIZE_U32);
    CHECK_ERR(futex_waitv(w, 1, 0, 0, 0), EAGAIN);
    CHECK_EQ(futex(&words[0], FUTEX_WAKE, 10, 0, 0, 0), 0);
    PASS();
}
