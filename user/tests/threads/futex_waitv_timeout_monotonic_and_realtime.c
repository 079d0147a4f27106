/* futex_waitv's timeout is an absolute time on the clock named by its
 * last argument: CLOCK_MONOTONIC or CLOCK_REALTIME. It ends with
 * ETIMEDOUT once that clock passed the deadline (not before), and a
 * deadline already past (here a small "relative-looking" value) times
 * out at once. Fails on weft before futex_waitv existed (ENOSYS); passes
 * on Linux. */
#include "tt.h"

static void timed(clockid_t clk)
{
    static volatile int word;
    struct futex_waitv w;
    waitv_set(&w, &word, 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE);
    long long dl = now_ns(clk) + 80 * 1000000LL;
    struct timespec ts = {dl / 1000000000LL, dl % 1000000000LL};
    CHECK_ERR(futex_waitv(&w, 1, 0, &ts, clk), ETIMEDOUT);
    CHECK(now_ns(clk) >= dl);

    /* 50 ms after the clock's epoch: long past on both clocks. */
    struct timespec past = {0, 50 * 1000000L};
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(futex_waitv(&w, 1, 0, &past, clk), ETIMEDOUT);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 < 5000000000LL);
}

int main(void)
{
    timed(CLOCK_MONOTONIC);
    timed(CLOCK_REALTIME);
    PASS();
}
