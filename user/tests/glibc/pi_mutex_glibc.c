/* glibc's PTHREAD_PRIO_INHERIT mutexes (FUTEX_LOCK_PI, LOCK_PI2,
 * TRYLOCK_PI, UNLOCK_PI underneath): four threads' increments stay
 * exclusive; trylock on a held mutex is EBUSY; timedlock (CLOCK_REALTIME,
 * LOCK_PI) and clocklock (CLOCK_MONOTONIC, LOCK_PI2) time out on a held
 * one; a condition variable waits with one; a robust one whose owner
 * thread exits gives EOWNERDEAD. Fails on weft before the PI operations;
 * passes on Linux. */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

static pthread_mutex_t m, robust;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static volatile int ready, go;

static void *adder(void *arg)
{
    for (int i = 0; i < 200; i++) {
        if (pthread_mutex_lock(&m))
            return (void *)1;
        long c = counter;
        if (i % 50 == 0)
            usleep(2000);
        counter = c + 1;
        pthread_mutex_unlock(&m);
    }
    return 0;
}

static void *holder(void *arg)
{
    pthread_mutex_lock(&m);
    ready = 1;
    while (!go)
        usleep(1000);
    pthread_mutex_unlock(&m);
    return 0;
}

static void *signaller(void *arg)
{
    usleep(50000);
    pthread_mutex_lock(&m);
    ready = 2;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&m);
    return 0;
}

static void *die_holding(void *arg)
{
    pthread_mutex_lock(&robust);
    return 0;
}

static struct timespec in_100ms(clockid_t clk)
{
    struct timespec t;
    clock_gettime(clk, &t);
    t.tv_nsec += 100000000;
    if (t.tv_nsec >= 1000000000) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000;
    }
    return t;
}

int main(void)
{
    pthread_mutexattr_t a;
    pthread_t t[4];
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
    CHECK_PT(pthread_mutex_init(&m, &a));

    for (int i = 0; i < 4; i++)
        CHECK_PT(pthread_create(&t[i], 0, adder, 0));
    for (int i = 0; i < 4; i++) {
        void *r;
        CHECK_PT(pthread_join(t[i], &r));
        CHECK(r == 0);
    }
    CHECK_EQ(counter, 800);

    CHECK_PT(pthread_create(&t[0], 0, holder, 0));
    while (!ready)
        usleep(1000);
    CHECK_EQ(pthread_mutex_trylock(&m), EBUSY);
    struct timespec dl = in_100ms(CLOCK_REALTIME);
    CHECK_EQ(pthread_mutex_timedlock(&m, &dl), ETIMEDOUT);
    dl = in_100ms(CLOCK_MONOTONIC);
    CHECK_EQ(pthread_mutex_clocklock(&m, CLOCK_MONOTONIC, &dl), ETIMEDOUT);
    go = 1;
    CHECK_PT(pthread_join(t[0], 0));

    CHECK_PT(pthread_mutex_lock(&m));
    CHECK_PT(pthread_create(&t[0], 0, signaller, 0));
    while (ready != 2)
        CHECK_PT(pthread_cond_wait(&cv, &m));
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_PT(pthread_join(t[0], 0));

    CHECK_PT(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST));
    CHECK_PT(pthread_mutex_init(&robust, &a));
    CHECK_PT(pthread_create(&t[0], 0, die_holding, 0));
    CHECK_PT(pthread_join(t[0], 0));
    CHECK_EQ(pthread_mutex_lock(&robust), EOWNERDEAD);
    CHECK_PT(pthread_mutex_consistent(&robust));
    CHECK_PT(pthread_mutex_unlock(&robust));
    PASS();
}
