/* alarm(1) delivers SIGALRM after about a second; alarm returns the
 * seconds left on the previous alarm and alarm(0) cancels it. */
#include "st.h"

static volatile int got;
static void h(int sig) { got++; }

int main(void)
{
    sigset_t none;
    on_signal(SIGALRM, h, 0);
    CHECK_EQ(alarm(5), 0);
    CHECK_EQ(alarm(0), 5); /* 4.99.. s left rounds to 5 */
    CHECK_EQ(alarm(0), 0);
    block(SIGALRM);
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ(alarm(1), 0);
    sigemptyset(&none);
    while (!got)
        sigsuspend(&none);
    long long dt = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK_EQ(got, 1);
    CHECK(dt >= 950 * 1000000LL);
    CHECK(dt < 10000000000LL);
    CHECK_EQ(alarm(0), 0);
    PASS();
}
