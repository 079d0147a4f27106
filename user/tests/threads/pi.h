/* Helpers for the priority-inheritance futex tests (raw FUTEX_*_PI calls
 * on a word that holds the owner's TID | FUTEX_WAITERS | FUTEX_OWNER_DIED).
 * Not a test: only .c files are built. Include it first. */
#ifndef WEFT_PI_H
#define WEFT_PI_H

#include "tt.h"

#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_LOCK_PI2 13
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

/* FUTEX_LOCK_PI (private) with an optional absolute CLOCK_REALTIME
 * deadline; -1 and errno on failure. */
static inline long pi_lock(volatile int *w, const struct timespec *abs_rt)
{
    return futex(w, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, abs_rt, 0, 0);
}

static inline long pi_trylock(volatile int *w)
{
    return futex(w, FUTEX_TRYLOCK_PI | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
}

static inline long pi_unlock(volatile int *w)
{
    return futex(w, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
}

/* Waits (up to 5 s) until the word has FUTEX_WAITERS, i.e. a locker
 * entered the kernel; then a little longer so that it is queued. */
static inline void wait_for_waiters(volatile int *w)
{
    for (int i = 0; i < 5000 && !((unsigned)*w & FUTEX_WAITERS); i++)
        sleep_ms(1);
    CHECK((unsigned)*w & FUTEX_WAITERS);
    sleep_ms(50);
}

#endif
