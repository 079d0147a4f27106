/* A thread dies holding a robust PTHREAD_PRIO_INHERIT mutex. Contended:
 * the main thread already sleeps in FUTEX_LOCK_PI; at the owner's death
 * the kernel hands it the lock with FUTEX_OWNER_DIED and
 * pthread_mutex_lock returns EOWNERDEAD. Uncontended: the robust list
 * leaves FUTEX_OWNER_DIED in the word and the next locker gets
 * EOWNERDEAD. With raw syscalls: a waiter on a non-robust PI word whose
 * owner exits is handed the word as TID | WAITERS | OWNER_DIED; a later
 * LOCK_PI naming the dead TID gets ESRCH. Fails on weft before the PI
 * operations (ENOSYS); passes on Linux. */
#include "pi.h"

static pthread_mutex_t m;
static volatile int locked, word, word_after, raw_ready;

static void *hold_and_exit(void *arg)
{
    CHECK_PT(pthread_mutex_lock(&m));
    locked = 1;
    sleep_ms((long)arg);
    pthread_exit(0);
}

static void *raw_hold_and_exit(void *arg)
{
    CHECK_EQ(pi_lock(&word, 0), 0);
    raw_ready = 1;
    sleep_ms(500);
    return 0; /* exits holding the word; no robust list entry */
}

static void *raw_waiter(void *arg)
{
    CHECK_EQ(pi_lock(&word, 0), 0);
    word_after = word;
    return 0; /* exits holding it again */
}

int main(void)
{
    pthread_mutexattr_t a;
    pthread_t t, w;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST));
    CHECK_PT(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
    CHECK_PT(pthread_mutex_init(&m, &a));

    /* Contended: we block before the owner dies. */
    CHECK_PT(pthread_create(&t, 0, hold_and_exit, (void *)200L));
    while (!locked)
        sleep_ms(1);
    CHECK_EQ(pthread_mutex_lock(&m), EOWNERDEAD);
    CHECK_PT(pthread_mutex_consistent(&m));
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_PT(pthread_join(t, 0));

    /* Uncontended: the owner is gone before we lock. */
    locked = 0;
    CHECK_PT(pthread_create(&t, 0, hold_and_exit, (void *)0L));
    CHECK_PT(pthread_join(t, 0));
    CHECK_EQ(pthread_mutex_lock(&m), EOWNERDEAD);
    CHECK_PT(pthread_mutex_consistent(&m));
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_PT(pthread_mutex_lock(&m));
    CHECK_PT(pthread_mutex_unlock(&m));

    /* Raw: hand-off at death of a non-robust owner. */
    CHECK_PT(pthread_create(&t, 0, raw_hold_and_exit, 0));
    while (!raw_ready)
        sleep_ms(1);
    CHECK_PT(pthread_create(&w, 0, raw_waiter, 0));
    wait_for_waiters(&word);
    CHECK_PT(pthread_join(t, 0));
    CHECK_PT(pthread_join(w, 0));
    CHECK(((unsigned)word_after & FUTEX_OWNER_DIED) != 0);
    CHECK(((unsigned)word_after & FUTEX_WAITERS) != 0);
    CHECK(((unsigned)word_after & FUTEX_TID_MASK) != 0);
    /* The waiter exited holding it too, with nobody waiting: the word
     * still names the dead thread, and a locker gets ESRCH. */
    CHECK_EQ((unsigned)word, (unsigned)word_after);
    CHECK_ERR(pi_lock(&word, 0), ESRCH);
    PASS();
}
