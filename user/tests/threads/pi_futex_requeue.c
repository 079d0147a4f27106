/* FUTEX_WAIT_REQUEUE_PI / FUTEX_CMP_REQUEUE_PI, the pair glibc's
 * pthread_cond_wait uses with a PI mutex (musl does not, so raw calls):
 * - the PI futex is free: CMP_REQUEUE_PI makes the top waiter its owner
 *   (word = its TID) and wakes it; it returns 0 owning the futex;
 * - the PI futex is held: both waiters move to it (return 2, the word
 *   gets FUTEX_WAITERS) and get it one after the other from UNLOCK_PI;
 * - EINVAL: nr_wake other than 1, the same futex twice, a plain waiter on
 *   the first word, FUTEX_WAKE of a requeue-PI waiter; EAGAIN: the first
 *   word changed (both calls); ETIMEDOUT at an absolute deadline.
 * Fails on weft before the PI operations (ENOSYS); passes on Linux. */
#include "pi.h"
#include <limits.h>

static volatile int cv, cv2, mx, queued, owned_ok;

static long wait_rq(volatile int *c, int val, const struct timespec *abs, volatile int *m)
{
    return futex(c, FUTEX_WAIT_REQUEUE_PI | FUTEX_PRIVATE_FLAG, val, abs, m, 0);
}

static long cmp_rq(volatile int *c, int nr_wake, int nr_requeue, volatile int *m, int cmpval)
{
    return syscall(SYS_futex, c, FUTEX_CMP_REQUEUE_PI | FUTEX_PRIVATE_FLAG, nr_wake, (long)nr_requeue, m, cmpval);
}

static void *waiter(void *arg)
{
    __atomic_fetch_add(&queued, 1, __ATOMIC_SEQ_CST);
    CHECK_EQ(wait_rq(&cv, 0, 0, &mx), 0);
    /* Returned owning the PI futex. */
    CHECK_EQ((unsigned)mx & FUTEX_TID_MASK, (unsigned)gettid_());
    if ((long)arg)
        CHECK_EQ((unsigned)mx, (unsigned)gettid_()); /* taken while free, nobody else */
    __atomic_fetch_add(&owned_ok, 1, __ATOMIC_SEQ_CST);
    CHECK_EQ(pi_unlock(&mx), 0);
    return 0;
}

static void *plain_waiter(void *arg)
{
    futex(&cv2, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
    return 0;
}

int main(void)
{
    pthread_t a, b;

    /* Argument checks. */
    CHECK_ERR(cmp_rq(&cv, 2, 1, &mx, 0), EINVAL);
    CHECK_ERR(cmp_rq(&cv, 1, 1, &cv, 0), EINVAL);
    CHECK_ERR(cmp_rq(&cv, 1, 1, &mx, 5), EAGAIN);
    CHECK_ERR(wait_rq(&cv, 0, 0, &cv), EINVAL);
    CHECK_ERR(wait_rq(&cv, 7, 0, &mx), EAGAIN);
    /* Nobody waits: nothing to do. */
    CHECK_EQ(cmp_rq(&cv, 1, 1, &mx, 0), 0);

    /* ETIMEDOUT: the deadline is absolute (CLOCK_MONOTONIC). */
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_nsec += 100000000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    CHECK_ERR(wait_rq(&cv, 0, &dl, &mx), ETIMEDOUT);

    /* A plain waiter on the first word: EINVAL. */
    CHECK_PT(pthread_create(&a, 0, plain_waiter, 0));
    sleep_ms(100);
    CHECK_ERR(cmp_rq(&cv2, 1, 1, &mx, 0), EINVAL);
    cv2 = 1;
    CHECK_EQ(futex(&cv2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), 1);
    CHECK_PT(pthread_join(a, 0));

    /* Free PI futex: the top waiter takes it and is woken. */
    CHECK_PT(pthread_create(&a, 0, waiter, (void *)1L));
    while (queued < 1)
        sleep_ms(1);
    sleep_ms(100);
    CHECK_ERR(futex(&cv, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), EINVAL);
    CHECK_EQ(cmp_rq(&cv, 1, 0, &mx, 0), 1);
    CHECK_PT(pthread_join(a, 0));
    CHECK_EQ(owned_ok, 1);
    CHECK_EQ(mx, 0);

    /* Held PI futex: both waiters move to it. */
    queued = 0;
    CHECK_EQ(pi_lock(&mx, 0), 0);
    CHECK_PT(pthread_create(&a, 0, waiter, 0));
    CHECK_PT(pthread_create(&b, 0, waiter, 0));
    while (queued < 2)
        sleep_ms(1);
    sleep_ms(100);
    CHECK_EQ(cmp_rq(&cv, 1, INT_MAX, &mx, 0), 2);
    CHECK_EQ((unsigned)mx, (unsigned)gettid_() | FUTEX_WAITERS);
    CHECK_EQ(futex(&cv, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), 0);
    sleep_ms(50);
    CHECK_EQ(owned_ok, 1); /* still waiting for the PI futex */
    CHECK_EQ(pi_unlock(&mx), 0);
    CHECK_PT(pthread_join(a, 0));
    CHECK_PT(pthread_join(b, 0));
    CHECK_EQ(owned_ok, 3);
    CHECK_EQ(mx, 0);
    PASS();
}
