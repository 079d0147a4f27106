/* FUTEX_WAIT takes a relative timeout: with nobody waking it returns
 * ETIMEDOUT after at least that long. */
#include "tt.h"

int main(void)
{
    static volatile int word;
    struct timespec ts = {0, 80 * 1000000L};
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts, 0, 0), ETIMEDOUT);
    long long dt = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK(dt >= 80 * 1000000LL);
    ts.tv_sec = 0;
    ts.tv_nsec = 0;
    CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &ts, 0, 0), ETIMEDOUT);
    PASS();
}
