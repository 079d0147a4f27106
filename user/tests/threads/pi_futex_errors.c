/* FUTEX_*_PI error cases, as Linux 6.1 returns them:
 * EPERM  UNLOCK_PI of a word that does not hold the caller's TID;
 * EDEADLK LOCK_PI by the owner;
 * ESRCH  LOCK_PI of a word naming a TID that does not exist (the
 *        FUTEX_WAITERS bit it set stays);
 * EINVAL unaligned word; LOCK_PI of a word with plain FUTEX_WAIT waiters;
 *        FUTEX_WAKE of a word with PI waiters; LOCK_PI / UNLOCK_PI when the
 *        word names a thread other than the kernel's owner; bad timeout;
 * ENOSYS LOCK_PI with FUTEX_CLOCK_REALTIME (only LOCK_PI2 takes it);
 * EFAULT unmapped word, read-only word, unreadable timeout;
 * ETIMEDOUT LOCK_PI / LOCK_PI2 past their absolute deadline.
 * Fails on weft before the PI operations (ENOSYS); passes on Linux. */
#include "pi.h"

static volatile int word, plain, holder_tid, release;

static void *plain_waiter(void *arg)
{
    futex(&plain, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
    return 0;
}

static void *holder(void *arg)
{
    holder_tid = gettid_();
    CHECK_EQ(pi_lock(&word, 0), 0);
    while (!release)
        sleep_ms(1);
    CHECK_EQ(pi_unlock(&word), 0);
    return 0;
}

static void *blocked_locker(void *arg)
{
    CHECK_EQ(pi_lock(&word, 0), 0);
    CHECK_EQ(pi_unlock(&word), 0);
    return 0;
}

int main(void)
{
    int me = gettid_();

    /* EPERM: free word, or owned by someone else. */
    CHECK_ERR(pi_unlock(&word), EPERM);
    word = me + 1;
    CHECK_ERR(pi_unlock(&word), EPERM);

    /* EDEADLK: relock by the owner. */
    word = me;
    CHECK_ERR(pi_lock(&word, 0), EDEADLK);
    CHECK_ERR(futex(&word, FUTEX_LOCK_PI2 | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0), EDEADLK);
    CHECK_EQ(pi_unlock(&word), 0);

    /* ESRCH: the owner TID names no thread. */
    word = 0x3ffffff0;
    CHECK_ERR(pi_lock(&word, 0), ESRCH);
    CHECK_EQ((unsigned)word, 0x3ffffff0u | FUTEX_WAITERS);
    CHECK_ERR(pi_trylock(&word), ESRCH);
    word = 0;

    /* EINVAL: unaligned. */
    static int pair[2];
    volatile int *odd = (volatile int *)((char *)pair + 1);
    CHECK_ERR(pi_lock(odd, 0), EINVAL);
    CHECK_ERR(pi_trylock(odd), EINVAL);

    /* EINVAL: a plain waiter is queued on the word. */
    pthread_t t, t2;
    CHECK_PT(pthread_create(&t, 0, plain_waiter, 0));
    sleep_ms(100);
    CHECK_ERR(pi_lock(&plain, 0), EINVAL);
    CHECK_EQ(plain, 0);
    plain = 1;
    CHECK_EQ(futex(&plain, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), 1);
    CHECK_PT(pthread_join(t, 0));

    /* A holder and a blocked PI waiter. */
    CHECK_PT(pthread_create(&t, 0, holder, 0));
    while (word == 0)
        sleep_ms(1);
    CHECK_PT(pthread_create(&t2, 0, blocked_locker, 0));
    wait_for_waiters(&word);
    /* EINVAL: FUTEX_WAKE must not wake PI waiters. */
    CHECK_ERR(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), EINVAL);
    /* EINVAL: the word names us but the kernel's owner is the holder. */
    word = me | FUTEX_WAITERS;
    CHECK_ERR(pi_unlock(&word), EINVAL);
    /* ... and a locker finds the word naming a TID that is not the
     * owner's: EINVAL (the kernel's state is checked before the TID is
     * looked up, so not ESRCH). */
    word = 0x3ffffff0 | FUTEX_WAITERS;
    CHECK_ERR(pi_trylock(&word), EINVAL);
    CHECK_ERR(pi_lock(&word, 0), EINVAL);
    word = holder_tid | FUTEX_WAITERS;
    release = 1;
    CHECK_PT(pthread_join(t, 0));
    CHECK_PT(pthread_join(t2, 0));
    CHECK_EQ(word, 0);

    /* ENOSYS: LOCK_PI's clock is fixed. */
    CHECK_ERR(futex(&word, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 0, 0, 0, 0), ENOSYS);
    /* EINVAL: tv_nsec out of range. */
    struct timespec bad = {0, 1000000000};
    word = 1;
    CHECK_ERR(pi_lock(&word, &bad), EINVAL);
    /* EFAULT: timeout not readable. */
    CHECK_ERR(pi_lock(&word, (struct timespec *)8), EFAULT);
    word = 0;

    /* EFAULT: unmapped word; read-only word (locking must write it). */
    CHECK_ERR(pi_lock((volatile int *)8, 0), EFAULT);
    CHECK_ERR(pi_trylock((volatile int *)8), EFAULT);
    CHECK_ERR(pi_unlock((volatile int *)8), EFAULT);
    volatile int *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    CHECK_ERR(pi_lock(ro, 0), EFAULT);
    CHECK_ERR(pi_trylock(ro), EFAULT);

    /* ETIMEDOUT: an owner that never unlocks, past an absolute deadline
     * (CLOCK_REALTIME for LOCK_PI, CLOCK_MONOTONIC for LOCK_PI2). */
    release = 0;
    CHECK_PT(pthread_create(&t, 0, holder, 0));
    while (word == 0)
        sleep_ms(1);
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_nsec += 100000000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(pi_lock(&word, &dl), ETIMEDOUT);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 90000000LL);
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_nsec += 100000000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(futex(&word, FUTEX_LOCK_PI2 | FUTEX_PRIVATE_FLAG, 0, &dl, 0, 0), ETIMEDOUT);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 90000000LL);
    CHECK_EQ((unsigned)word, (unsigned)holder_tid | FUTEX_WAITERS);
    release = 1;
    CHECK_PT(pthread_join(t, 0));
    CHECK_EQ(word, 0);
    PASS();
}
