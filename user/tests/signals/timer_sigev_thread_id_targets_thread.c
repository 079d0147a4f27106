/* A timer created with SIGEV_THREAD_ID sends its signal to that thread:
 * the handler runs in the chosen thread, not in main. */
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
        sleep_ms(2);
    return 0;
}

int main(void)
{
    pthread_t t;
    timer_t tm;
    struct sigevent sev;
    struct itimerspec its;
    int sig = SIGRTMIN + 3;
    on_signal(sig, h, 0);
    CHECK_PT(pthread_create(&t, 0, worker, 0));
    while (!worker_tid)
        sleep_ms(1);
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = sig;
    sev.sigev_notify_thread_id = worker_tid;
    CHECK_OK(timer_create(CLOCK_MONOTONIC, &sev, &tm));
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = 30 * 1000000L;
    CHECK_OK(timer_settime(tm, 0, &its, 0));
    long long dl = now_ns(CLOCK_MONOTONIC) + 10000000000LL;
    while (!calls) {
        CHECK(now_ns(CLOCK_MONOTONIC) < dl);
        sleep_ms(1);
    }
    CHECK_EQ(handler_tid, worker_tid);
    CHECK_OK(timer_delete(tm));
    stop = 1;
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
