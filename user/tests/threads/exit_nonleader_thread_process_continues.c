/* A raw SYS_exit in a non-leader thread ends only that thread: the process
 * keeps running and the thread's TID disappears (tgkill -> ESRCH).
 * (musl cannot join a thread that left with a raw exit; it is not joined.) */
#include "tt.h"

static volatile int tid;

static void *fn(void *arg)
{
    tid = gettid_();
    rexit(0);
}

int main(void)
{
    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    while (!tid)
        sched_yield();
    long long dl = now_ns(CLOCK_MONOTONIC) + 10000000000LL;
    while (syscall(SYS_tgkill, getpid(), tid, 0) == 0) {
        CHECK(now_ns(CLOCK_MONOTONIC) < dl);
        sleep_ms(5);
    }
    CHECK_EQ(errno, ESRCH);
    sleep_ms(20);
    /* Still alive and able to create threads. */
    CHECK_EQ(syscall(SYS_tgkill, getpid(), gettid_(), 0), 0);
    PASS();
}
