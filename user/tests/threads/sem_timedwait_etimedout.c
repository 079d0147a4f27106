/* sem_timedwait on a zero semaphore fails with ETIMEDOUT once the absolute
 * CLOCK_REALTIME deadline has passed; with a unit available it succeeds. */
#include "tt.h"
#include <semaphore.h>

int main(void)
{
    sem_t s;
    struct timespec dl, now;
    CHECK_OK(sem_init(&s, 0, 0));
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &dl));
    dl.tv_nsec += 100 * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    CHECK_ERR(sem_timedwait(&s, &dl), ETIMEDOUT);
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &now));
    CHECK(now.tv_sec > dl.tv_sec || (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec));
    CHECK_OK(sem_post(&s));
    CHECK_OK(sem_timedwait(&s, &dl)); /* available: no timeout even if past */
    PASS();
}
