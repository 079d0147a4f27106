/* CLOCK_MONOTONIC never goes backwards and advances across a short sleep;
 * CLOCK_REALTIME is after 2020; tv_nsec is always below 1e9; clock_getres is
 * positive; an invalid clock id is EINVAL. Uses the raw syscall as well as
 * libc (which may take a vDSO). */
#include "t.h"
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
    struct timespec a, b, r;
    CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &a));
    for (int i = 0; i < 1000; i++) {
        CHECK_OK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b));
        CHECK(b.tv_nsec >= 0 && b.tv_nsec < 1000000000L);
        CHECK(ns(b) >= ns(a));
        a = b;
    }
    struct timespec d = {0, 20 * 1000 * 1000};
    CHECK_OK(nanosleep(&d, NULL));
    CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &b));
    CHECK(ns(b) - ns(a) >= 20 * 1000 * 1000);
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &r));
    CHECK(r.tv_sec > 1577836800); /* 2020-01-01 */
    CHECK_OK(clock_gettime(CLOCK_BOOTTIME, &r));
    CHECK_OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &r));
    CHECK_OK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &r));
    CHECK_OK(clock_getres(CLOCK_MONOTONIC, &r));
    CHECK(r.tv_sec == 0 && r.tv_nsec > 0);
    CHECK_ERR(syscall(SYS_clock_gettime, 12345, &r), EINVAL);
    PASS();
}
