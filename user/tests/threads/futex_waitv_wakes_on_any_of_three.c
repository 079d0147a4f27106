/* futex_waitv on three private words is woken by a FUTEX_WAKE on any one
 * of them: three separate waker threads in turn each wake one word, the
 * call returns that word's index, and each wake counts exactly one woken
 * waiter (1, even when asked to wake many). After the return nothing is
 * left queued on the other words. Fails on weft before futex_waitv
 * existed (ENOSYS); passes on Linux. */
#include "tt.h"

static volatile int words[3];

static void *waker(void *arg)
{
    long k = (long)arg;
    long long dl = now_ns(CLOCK_MONOTONIC) + 20000000000LL;
    long r;
    /* The word keeps its value: only the wake can end the wait. */
    while ((r = futex(&words[k], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 10, 0, 0, 0)) == 0) {
        if (now_ns(CLOCK_MONOTONIC) > dl)
            return (void *)-1L;
        sleep_ms(5);
    }
    return (void *)r;
}

int main(void)
{
    struct futex_waitv w[3];
    for (long k = 0; k < 3; k++) {
        for (int i = 0; i < 3; i++)
            waitv_set(&w[i], &words[i], 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE);
        pthread_t t;
        CHECK_PT(pthread_create(&t, 0, waker, (void *)k));
        CHECK_EQ(futex_waitv(w, 3, 0, 0, 0), k);
        void *woken;
        CHECK_PT(pthread_join(t, &woken));
        CHECK_EQ((long)woken, 1);
        for (int i = 0; i < 3; i++)
            CHECK_EQ(futex(&words[i], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 10, 0, 0, 0), 0);
    }
    PASS();
}
