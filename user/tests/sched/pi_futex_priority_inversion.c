/* The priority-inversion scenario, all threads pinned to CPU 0: a low
 * (SCHED_FIFO 10) thread holds a mutex and needs 50 ms of CPU to release
 * it, a medium (FIFO 20) thread spins for 400 ms, and a high (FIFO 30)
 * thread blocks on the mutex. With PTHREAD_PRIO_INHERIT the low thread
 * runs at 30 while the high one waits, so the high thread gets the mutex
 * long before the medium one stops. With PTHREAD_PRIO_NONE the same run
 * shows the inversion: the high thread waits until the medium one is
 * done (this half shows that the test can fail). Spins stay far below
 * the 950 ms/s real-time throttle. Fails on weft before PI futexes and
 * boosting; passes on Linux. */
#include "../threads/pi.h"

static pthread_mutex_t m;
static volatile int low_locked;
static volatile long long med_end, high_got;

static void *low(void *arg)
{
    CHECK_PT(pthread_mutex_lock(&m));
    low_locked = 1;
    burn_cpu_ns(50000000LL); /* CPU time: only advances while it runs */
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

static void *high(void *arg)
{
    CHECK_PT(pthread_mutex_lock(&m));
    high_got = now_ns(CLOCK_MONOTONIC);
    CHECK_PT(pthread_mutex_unlock(&m));
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

/* One run; returns how long before the medium thread's end the high
 * thread got the mutex (negative: after). */
static long long run(int protocol)
{
    pthread_mutexattr_t a;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_setprotocol(&a, protocol));
    CHECK_PT(pthread_mutex_init(&m, &a));
    low_locked = 0;
    med_end = high_got = 0;
    pthread_t l = spawn(low, 10);
    while (!low_locked)
        sleep_ms(1);
    pthread_t md = spawn(medium, 20);
    sleep_ms(20);
    pthread_t h = spawn(high, 30);
    CHECK_PT(pthread_join(h, 0));
    CHECK_PT(pthread_join(md, 0));
    CHECK_PT(pthread_join(l, 0));
    CHECK_PT(pthread_mutex_destroy(&m));
    return med_end - high_got;
}

int main(void)
{
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    CHECK_OK(sched_setaffinity(0, sizeof cpus, &cpus));
    /* The main thread outranks the three so that it can start them. */
    struct sched_param sp = {.sched_priority = 40};
    /* musl's sched_setscheduler() is an ENOSYS stub: the raw call. */
    CHECK_OK(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp));

    long long inherit = run(PTHREAD_PRIO_INHERIT);
    sleep_ms(1000); /* a fresh real-time throttling period */
    long long none = run(PTHREAD_PRIO_NONE);
    printf("high got the mutex %lld ms before medium ended with PRIO_INHERIT, %lld ms with PRIO_NONE\n",
           inherit / 1000000, none / 1000000);
    CHECK(inherit > 100000000LL);
    CHECK(none <= 0);
    PASS();
}
