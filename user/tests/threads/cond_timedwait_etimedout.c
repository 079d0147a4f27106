/* pthread_cond_timedwait with nobody signalling returns ETIMEDOUT after the
 * (CLOCK_REALTIME) deadline, with the mutex held again. */
#include "tt.h"

int main(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    struct timespec dl, now;
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &dl));
    dl.tv_nsec += 100 * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m);
    int r;
    do
        r = pthread_cond_timedwait(&c, &m, &dl);
    while (r == 0); /* spurious wakeups are allowed */
    CHECK_EQ(r, ETIMEDOUT);
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &now));
    CHECK(now.tv_sec > dl.tv_sec || (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec));
    CHECK_EQ(pthread_mutex_trylock(&m), EBUSY);
    CHECK_PT(pthread_mutex_unlock(&m));
    PASS();
}
