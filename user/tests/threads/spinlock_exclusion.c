/* pthread spinlocks give mutual exclusion; trylock on a held one is EBUSY. */
#include "tt.h"

#define THREADS 4
#define ITERS 5000

static pthread_spinlock_t sl;
static long counter;

static void *fn(void *arg)
{
    for (int i = 0; i < ITERS; i++) {
        pthread_spin_lock(&sl);
        long c = counter;
        __asm__ volatile("" ::: "memory");
        counter = c + 1;
        pthread_spin_unlock(&sl);
        if ((i & 127) == 0)
            sched_yield(); /* be kind to a 1-CPU system */
    }
    return 0;
}

int main(void)
{
    pthread_t t[THREADS];
    CHECK_PT(pthread_spin_init(&sl, PTHREAD_PROCESS_PRIVATE));
    CHECK_PT(pthread_spin_lock(&sl));
    CHECK_EQ(pthread_spin_trylock(&sl), EBUSY);
    CHECK_PT(pthread_spin_unlock(&sl));
    for (int i = 0; i < THREADS; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, 0));
    for (int i = 0; i < THREADS; i++)
        CHECK_PT(pthread_join(t[i], 0));
    CHECK_EQ(counter, THREADS * ITERS);
    CHECK_PT(pthread_spin_destroy(&sl));
    PASS();
}
