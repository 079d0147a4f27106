/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline: it times out
 * with ETIMEDOUT at (not before) the deadline, at once for a past one. */
#include "tt.h"

static struct timespec ts_of(long long ns)
{
    struct timespec ts = {ns / 1000000000LL, ns % 1000000000LL};
    return ts;
}

int main(void)
{
    static volatile int word;
    long long dl = now_ns(CLOCK_MONOTONIC) + 80 * 1000000LL;
    struct timespec ts = ts_of(dl);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, &ts, 0, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    CHECK(now_ns(CLOCK_MONOTONIC) >= dl);
    ts = ts_of(now_ns(CLOCK_MONOTONIC) - 1000000000LL);
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &ts, 0, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 < 500 * 1000000LL);
    /* A zero bitset is invalid. */
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &ts, 0, 0), EINVAL);
    PASS();
}
