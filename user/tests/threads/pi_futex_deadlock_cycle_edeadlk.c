/* Deadlock detection across PI futexes: thread A owns L1 and blocks in
 * FUTEX_LOCK_PI on L2, which the main thread owns; the main thread's
 * FUTEX_LOCK_PI on L1 would close the cycle and gets EDEADLK at once
 * instead of sleeping forever (Linux's rt_mutex chain walk). A three-thread
 * cycle (main -> A -> B -> main) is refused too. After the main thread
 * unlocks, everyone gets its lock. Fails on weft before the PI operations
 * (ENOSYS); passes on Linux. */
#include "pi.h"

static volatile int l1, l2, l3, a_ready, b_ready;

static void *thread_a(void *arg)
{
    CHECK_EQ(pi_lock(&l1, 0), 0);
    a_ready = 1;
    CHECK_EQ(pi_lock(&l2, 0), 0); /* blocks until main unlocks l2 */
    CHECK_EQ(pi_unlock(&l2), 0);
    CHECK_EQ(pi_unlock(&l1), 0);
    return 0;
}

static void *thread_b(void *arg)
{
    CHECK_EQ(pi_lock(&l3, 0), 0);
    b_ready = 1;
    CHECK_EQ(pi_lock(&l1, 0), 0); /* blocks: A owns l1 */
    CHECK_EQ(pi_unlock(&l1), 0);
    CHECK_EQ(pi_unlock(&l3), 0);
    return 0;
}

int main(void)
{
    pthread_t a, b;
    CHECK_EQ(pi_lock(&l2, 0), 0);
    CHECK_PT(pthread_create(&a, 0, thread_a, 0));
    while (!a_ready)
        sleep_ms(1);
    wait_for_waiters(&l2);

    /* main -> l1 (A) -> l2 (main): a cycle. */
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(pi_lock(&l1, 0), EDEADLK);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 < 1000000000LL);

    /* B owns l3 and waits for l1 (A): main -> l3 (B) -> l1 (A) -> l2 (main). */
    CHECK_PT(pthread_create(&b, 0, thread_b, 0));
    while (!b_ready)
        sleep_ms(1);
    wait_for_waiters(&l1);
    CHECK_ERR(pi_lock(&l3, 0), EDEADLK);

    CHECK_EQ(pi_unlock(&l2), 0);
    CHECK_PT(pthread_join(a, 0));
    CHECK_PT(pthread_join(b, 0));
    CHECK_EQ(l1, 0);
    CHECK_EQ(l2, 0);
    CHECK_EQ(l3, 0);
    PASS();
}
