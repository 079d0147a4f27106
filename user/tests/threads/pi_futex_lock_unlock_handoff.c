/* Priority-inheritance futexes, contended lock and hand-off. With raw
 * FUTEX_LOCK_PI/UNLOCK_PI: an uncontended lock stores the caller's TID; a
 * second locker sets FUTEX_WAITERS and sleeps; FUTEX_UNLOCK_PI hands the
 * lock to it directly (the word becomes its TID | FUTEX_WAITERS, as Linux's
 * wake_futex_pi always keeps WAITERS), and its own unlock clears the word.
 * Then a PTHREAD_PRIO_INHERIT mutex (musl: FUTEX_LOCK_PI when contended)
 * keeps four threads' increments exclusive. Fails on weft before the PI
 * operations (ENOSYS); passes on Linux. */
#include "pi.h"

static volatile int word, b_tid, b_word_after, b_ret = -2;

static void *locker(void *arg)
{
    b_tid = gettid_();
    b_ret = pi_lock(&word, 0);
    b_word_after = word;
    CHECK_OK(pi_unlock(&word));
    return 0;
}

static pthread_mutex_t m;
static long counter;

static void *adder(void *arg)
{
    for (int i = 0; i < 200; i++) {
        CHECK_PT(pthread_mutex_lock(&m));
        long c = counter;
        if (i % 50 == 0)
            sleep_ms(2); /* hold it a while: the others must wait in the kernel */
        counter = c + 1;
        CHECK_PT(pthread_mutex_unlock(&m));
    }
    return 0;
}

int main(void)
{
    int me = gettid_();
    CHECK_EQ(pi_lock(&word, 0), 0);
    CHECK_EQ(word, me);
    /* Unlocking an uncontended PI futex in the kernel clears the word. */
    CHECK_EQ(pi_unlock(&word), 0);
    CHECK_EQ(word, 0);

    CHECK_EQ(pi_lock(&word, 0), 0);
    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, locker, 0));
    wait_for_waiters(&word);
    CHECK_EQ((unsigned)word, (unsigned)me | FUTEX_WAITERS);
    CHECK_EQ(b_ret, -2); /* still blocked */
    CHECK_EQ(pi_unlock(&word), 0);
    CHECK_PT(pthread_join(t, 0));
    CHECK_EQ(b_ret, 0);
    CHECK_EQ((unsigned)b_word_after, (unsigned)b_tid | FUTEX_WAITERS);
    CHECK_EQ(word, 0);

    pthread_mutexattr_t a;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
    CHECK_PT(pthread_mutex_init(&m, &a));
    pthread_t ts[4];
    for (int i = 0; i < 4; i++)
        CHECK_PT(pthread_create(&ts[i], 0, adder, 0));
    for (int i = 0; i < 4; i++)
        CHECK_PT(pthread_join(ts[i], 0));
    CHECK_EQ(counter, 800);
    PASS();
}
