/* gettimeofday agrees with CLOCK_REALTIME to within a second, tv_usec is
 * below 1e6, and time() matches too. */
#include "t.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct timeval tv;
    struct timespec ts;
    CHECK_OK(syscall(SYS_gettimeofday, &tv, NULL));
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &ts));
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    long long d = (long long)ts.tv_sec - tv.tv_sec;
    CHECK(d >= 0 && d <= 1);
    time_t t = time(NULL);
    CHECK(t - tv.tv_sec >= 0 && t - tv.tv_sec <= 2);
    CHECK_OK(gettimeofday(&tv, NULL));
    CHECK(tv.tv_sec > 1577836800);
    PASS();
}
