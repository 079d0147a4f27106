/* A signal sent to the process (kill) is delivered to the one thread that
 * does not block it: the handler runs in that thread (gettid). */
#include "st.h"

#define N 3

static volatile pid_t handler_tid;
static volatile int calls;
static pid_t open_tid;
static pthread_barrier_t bar;
static volatile int stop;

static void h(int sig)
{
    handler_tid = gettid_();
    calls++;
}

static void *worker(void *arg)
{
    long open = (long)arg;
    if (open) {
        open_tid = gettid_();
        unblock(SIGUSR1);
    }
    pthread_barrier_wait(&bar);
    while (!stop)
        sleep_ms(5); /* nanosleep is interrupted by the handler */
    return 0;
}

int main(void)
{
    pthread_t t[N];
    on_signal(SIGUSR1, h, 0);
    block(SIGUSR1); /* inherited: every thread blocks it */
    CHECK_PT(pthread_barrier_init(&bar, 0, N + 1));
    for (long i = 0; i < N; i++)
        CHECK_PT(pthread_create(&t[i], 0, worker, (void *)(long)(i == 1)));
    pthread_barrier_wait(&bar);
    for (int k = 1; k <= 5; k++) {
        CHECK_OK(kill(getpid(), SIGUSR1));
        long long dl = now_ns(CLOCK_MONOTONIC) + 10000000000LL;
        while (calls < k) {
            CHECK(now_ns(CLOCK_MONOTONIC) < dl);
            sleep_ms(1);
        }
        CHECK_EQ(handler_tid, open_tid);
    }
    stop = 1;
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_join(t[i], 0));
    PASS();
}
