/* Priority inheritance along a chain, all threads pinned to CPU 0: low
 * (SCHED_FIFO 10) holds PI mutex L1 and needs 50 ms of CPU to release it;
 * mid (FIFO 12) holds PI mutex L2 and blocks on L1 (low now runs at 12); a
 * medium thread (FIFO 20) spins for 400 ms; high (FIFO 30) blocks on L2.
 * Mid inherits 30 and, being blocked on L1, passes it on to low, which
 * then outruns the spinner: high gets L2 long before the spinner ends.
 * Without the walk down the chain low would stay at 12, below the spinner,
 * and high would wait for the spinner. Fails on weft before PI futexes
 * and boosting; passes on Linux. */
#include "../threads/pi.h"

static pthread_mutex_t l1, l2;
static volatile int low_locked, mid_locked;
static volatile long long med_end, high_got;

static void *low(void *arg)
{
    CHECK_PT(pthread_mutex_lock(&l1));
    low_locked = 1;
    burn_cpu_ns(50000000LL);
    CHECK_PT(pthread_mutex_unlock(&l1));
    return 0;
}

static void *mid(void *arg)
{
    CHECK_PT(pthread_mutex_lock(&l2));
    mid_locked = 1;
    CHECK_PT(pthread_mutex_lock(&l1));
    CHECK_PT(pthread_mutex_unlock(&l1));
    CHECK_PT(pthread_mutex_unlock(&l2));
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
    CHECK_PT(pthread_mutex_lock(&l2));
    high_got = now_ns(CLOCK_MONOTONIC);
    CHECK_PT(pthread_mutex_unlock(&l2));
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
    CHECK_PT(pthread_mutex_init(&l1, &a));
    CHECK_PT(pthread_mutex_init(&l2, &a));

    pthread_t tl = spawn(low, 10);
    while (!low_locked)
        sleep_ms(1);
    pthread_t tm = spawn(mid, 12);
    while (!mid_locked)
        sleep_ms(1);
    sleep_ms(2); /* mid blocks on l1 */
    pthread_t tmed = spawn(medium, 20);
    sleep_ms(20);
    pthread_t th = spawn(high, 30);
    CHECK_PT(pthread_join(th, 0));
    CHECK_PT(pthread_join(tmed, 0));
    CHECK_PT(pthread_join(tm, 0));
    CHECK_PT(pthread_join(tl, 0));
    long long early = med_end - high_got;
    printf("high got l2 %lld ms before the spinner ended\n", early / 1000000);
    CHECK(early > 100000000LL);
    PASS();
}
