/* nanosleep interrupted by a handled signal fails with EINTR and writes
 * the unslept time to *rem (here: asked 2 s, interrupted after ~100 ms). */
#include "st.h"

static volatile int got;
static pthread_t sleeper;
static void h(int sig) { got++; }

static void *sender(void *arg)
{
    sleep_ms(100);
    pthread_kill(sleeper, SIGUSR1);
    return 0;
}

int main(void)
{
    pthread_t t;
    struct timespec req = {2, 0}, rem = {-1, -1};
    on_signal(SIGUSR1, h, 0);
    sleeper = pthread_self();
    CHECK_PT(pthread_create(&t, 0, sender, 0));
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(nanosleep(&req, &rem), EINTR);
    long long slept = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK_EQ(got, 1);
    long long left = rem.tv_sec * 1000000000LL + rem.tv_nsec;
    CHECK(rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000L);
    CHECK(left > 0 && left < 2000000000LL);
    /* slept + left is about the 2 s asked for */
    CHECK(slept + left > 1500000000LL && slept + left < 2500000000LL);
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
