/* tgkill to a chosen thread runs the handler in that thread: the handler's
 * gettid equals the target TID, for each of several threads. */
#include "st.h"

#define N 3

static volatile pid_t handler_tid;
static volatile int calls;
static pid_t tids[N];
static pthread_barrier_t bar;
static volatile int stop;

static void h(int sig)
{
    handler_tid = gettid_();
    calls++;
}

static void *worker(void *arg)
{
    tids[(long)arg] = gettid_();
    pthread_barrier_wait(&bar);
    while (!stop)
        sleep_ms(5);
    return 0;
}

int main(void)
{
    pthread_t t[N];
    on_signal(SIGUSR1, h, 0);
    CHECK_PT(pthread_barrier_init(&bar, 0, N + 1));
    for (long i = 0; i < N; i++)
        CHECK_PT(pthread_create(&t[i], 0, worker, (void *)i));
    pthread_barrier_wait(&bar);
    for (int i = 0; i < N; i++) {
        int before = calls;
        CHECK_OK(tgkill_(getpid(), tids[i], SIGUSR1));
        long long dl = now_ns(CLOCK_MONOTONIC) + 10000000000LL;
        while (calls == before) {
            CHECK(now_ns(CLOCK_MONOTONIC) < dl);
            sleep_ms(1);
        }
        CHECK_EQ(handler_tid, tids[i]);
    }
    /* Wrong thread group: ESRCH. */
    CHECK_ERR(tgkill_(getpid() + 100000, tids[0], SIGUSR1), ESRCH);
    stop = 1;
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_join(t[i], 0));
    PASS();
}
