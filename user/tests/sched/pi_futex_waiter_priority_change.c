/* A PI waiter whose priority changes while it waits passes the change on
 * to the owner (Linux's rt_mutex_adjust_pi). All threads pinned to CPU 0:
 * low (SCHED_FIFO 10) holds a PTHREAD_PRIO_INHERIT mutex and needs 50 ms
 * of CPU to release it; a waiter at FIFO 15 blocks on it (low runs at
 * 15); the main thread lowers the waiter to 5 (low back to 10), starts a
 * FIFO 20 thread that spins for 400 ms, then raises the waiter to 30 with
 * sched_setparam. Low must now run at 30, so the waiter gets the mutex
 * long before the spinner ends. Without the re-walk after a priority
 * change low would keep 15, below the spinner. Fails on weft without it;
 * passes on Linux. */
#include "../threads/pi.h"

static pthread_mutex_t m;
static volatile int low_locked, waiter_tid;
static volatile long long med_end, waiter_got;

static void *low(void *arg)
{
    CHECK_PT(pthread_mutex_lock(&m));
    low_locked = 1;
    burn_cpu_ns(50000000LL);
    CHECK_PT(pthread_mutex_unlock(&m));
    return 0;
}

static void *waiter(void *arg)
{
    waiter_tid = gettid_();
    CHECK_PT(pthread_mutex_lock(&m));
    waiter_got = now_ns(CLOCK_MONOTONIC);
    CHECK_PT(pthread_mutex_unlock(&m));
    return 0;
}

static void *medium(void *arg)
{
    long long end = now_ns(CLOCK_MONOTONIC) + 400000000LL;
    while (now_ns(CLOCK_MONOTONIC) < end)
        ;
    med_end = now_ns(CLOCK_MONOTONIC);
    return 0;
}

static pthread_t spawn(void *(*fn)(void *), int prio)
{
    pthread_attr_t a;
    struct sched_param sp = {.sched_priority = prio};
    pthread_t t;
    CHECK_PT(pthread_attr_init(&a));
    CHECK_PT(pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED));
    CHECK_PT(pthread_attr_setschedpolicy(&a, SCHED_FIFO));
    CHECK_PT(pthread_attr_setschedparam(&a, &sp));
    CHECK_PT(pthread_create(&t, &a, fn, 0));
    return t;
}

static void set_prio(int tid, int prio)
{
    struct sched_param sp = {.sched_priority = prio};
    CHECK_OK(syscall(SYS_sched_setparam, tid, &sp));
}

int main(void)
{
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    CHECK_OK(sched_setaffinity(0, sizeof cpus, &cpus));
    struct sched_param sp = {.sched_priority = 40};
    /* musl's sched_setscheduler() is an ENOSYS stub: the raw call. */
    CHECK_OK(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp));

    pthread_mutexattr_t a;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
    CHECK_PT(pthread_mutex_init(&m, &a));

    pthread_t tl = spawn(low, 10);
    while (!low_locked)
        sleep_ms(1);
    pthread_t tw = spawn(waiter, 15);
    while (!waiter_tid)
        sleep_ms(1);
    sleep_ms(1); /* it blocks on the mutex */
    set_prio(waiter_tid, 5);
    pthread_t tmed = spawn(medium, 20);
    sleep_ms(20);
    CHECK_EQ(waiter_got, 0);
    set_prio(waiter_tid, 30);
    CHECK_PT(pthread_join(tw, 0));
    CHECK_PT(pthread_join(tmed, 0));
    CHECK_PT(pthread_join(tl, 0));
    long long early = med_end - waiter_got;
    printf("the raised waiter got the mutex %lld ms before the spinner ended\n", early / 1000000);
    CHECK(early > 100000000LL);
    PASS();
}
