/* sigtimedwait with nothing pending fails with EAGAIN after the timeout;
 * a zero timeout polls and fails at once. */
#include "st.h"

int main(void)
{
    sigset_t set;
    struct timespec ts = {0, 100 * 1000000L};
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    block(SIGUSR1);
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(sigtimedwait(&set, 0, &ts), EAGAIN);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 100 * 1000000LL);
    ts.tv_nsec = 0;
    CHECK_ERR(sigtimedwait(&set, 0, &ts), EAGAIN);
    ts.tv_nsec = 1000000000L;
    CHECK_ERR(sigtimedwait(&set, 0, &ts), EINVAL);
    PASS();
}
