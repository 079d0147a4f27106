/* pthread_kill runs the handler in the named thread (gettid check), and
 * pthread_kill with signal 0 reports that a live thread exists. */
#include "st.h"

static volatile pid_t handler_tid, worker_tid;
static volatile int calls, stop;

static void h(int sig)
{
    handler_tid = gettid_();
    calls++;
}

static void *worker(void *arg)
{
    worker_tid = gettid_();
    while (!stop)
        sleep_ms(5);
    return 0;
}

int main(void)
{
    pthread_t t;
    on_signal(SIGUSR2, h, 0);
    CHECK_PT(pthread_create(&t, 0, worker, 0));
    while (!worker_tid)
        sleep_ms(1);
    CHECK_PT(pthread_kill(t, 0));
    CHECK_PT(pthread_kill(t, SIGUSR2));
    long long dl = now_ns(CLOCK_MONOTONIC) + 10000000000LL;
    while (!calls) {
        CHECK(now_ns(CLOCK_MONOTONIC) < dl);
        sleep_ms(1);
    }
    CHECK_EQ(handler_tid, worker_tid);
    CHECK(handler_tid != gettid_());
    stop = 1;
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
