/* FUTEX_TRYLOCK_PI: takes a free word (TID stored, FUTEX_OWNER_DIED kept);
 * EDEADLK for the owner; EAGAIN (EWOULDBLOCK) when another thread owns it,
 * after setting FUTEX_WAITERS as Linux does; the owner's FUTEX_UNLOCK_PI
 * then finds no waiter and clears the word, and the trylock succeeds.
 * pthread_mutex_trylock on a PTHREAD_PRIO_INHERIT mutex gives EBUSY.
 * Fails on weft before the PI operations (ENOSYS); passes on Linux. */
#include "pi.h"

static volatile int word, step;
static pthread_mutex_t m;

static void *other(void *arg)
{
    CHECK_ERR(pi_trylock(&word), EAGAIN);
    CHECK_EQ((unsigned)word, (unsigned)(long)arg | FUTEX_WAITERS);
    CHECK_EQ(pthread_mutex_trylock(&m), EBUSY);
    return 0;
}

static void *other_again(void *arg)
{
    CHECK_EQ(pi_trylock(&word), 0);
    CHECK_EQ(word, gettid_());
    CHECK_EQ(pi_unlock(&word), 0);
    return 0;
}

int main(void)
{
    int me = gettid_();
    CHECK_EQ(pi_trylock(&word), 0);
    CHECK_EQ(word, me);
    CHECK_ERR(pi_trylock(&word), EDEADLK);

    pthread_mutexattr_t a;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
    CHECK_PT(pthread_mutex_init(&m, &a));
    CHECK_PT(pthread_mutex_lock(&m));

    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, other, (void *)(long)me));
    CHECK_PT(pthread_join(t, 0));
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_EQ(pi_unlock(&word), 0);
    CHECK_EQ(word, 0);
    CHECK_PT(pthread_create(&t, 0, other_again, 0));
    CHECK_PT(pthread_join(t, 0));
    CHECK_EQ(word, 0);

    /* A word left with only FUTEX_OWNER_DIED is free; the bit stays. */
    word = FUTEX_OWNER_DIED;
    CHECK_EQ(pi_trylock(&word), 0);
    CHECK_EQ((unsigned)word, (unsigned)me | FUTEX_OWNER_DIED);
    CHECK_EQ(pi_unlock(&word), 0);
    CHECK_EQ(word, 0);
    PASS();
}
