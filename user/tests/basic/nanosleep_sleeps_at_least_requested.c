/* nanosleep and clock_nanosleep sleep at least the requested time
 * (measured on CLOCK_MONOTONIC); TIMER_ABSTIME waits until the deadline; a
 * tv_nsec out of range is EINVAL; a zero sleep returns at once. */
#include "t.h"
#include <time.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
    long long t0 = now_ns();
    struct timespec d = {0, 50 * 1000 * 1000};
    CHECK_OK(nanosleep(&d, NULL));
    long long t1 = now_ns();
    CHECK(t1 - t0 >= 50 * 1000 * 1000);

    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 30 * 1000 * 1000;
    if (abs.tv_nsec >= 1000000000L)
        abs.tv_sec++, abs.tv_nsec -= 1000000000L;
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
    long long t2 = now_ns();
    CHECK(t2 >= abs.tv_sec * 1000000000LL + abs.tv_nsec);
    /* A deadline in the past returns immediately. */
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
    d.tv_sec = 0;
    d.tv_nsec = 1000000000L;
    CHECK_ERR(nanosleep(&d, NULL), EINVAL);
    d.tv_nsec = -1;
    CHECK_ERR(nanosleep(&d, NULL), EINVAL);
    d.tv_nsec = 0;
    CHECK_OK(nanosleep(&d, NULL));
    PASS();
}
