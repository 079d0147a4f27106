/* FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME takes an absolute CLOCK_REALTIME
 * deadline: ETIMEDOUT once the realtime clock has passed it. (Read as a
 * monotonic or relative time it would be decades away.) */
#include "tt.h"

int main(void)
{
    static volatile int word;
    long long dl = now_ns(CLOCK_REALTIME) + 80 * 1000000LL;
    struct timespec ts = {dl / 1000000000LL, dl % 1000000000LL};
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | FUTEX_PRIVATE_FLAG, 0, &ts, 0,
                    FUTEX_BITSET_MATCH_ANY),
              ETIMEDOUT);
    CHECK(now_ns(CLOCK_REALTIME) >= dl);
    PASS();
}
