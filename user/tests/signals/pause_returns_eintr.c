/* pause() sleeps until a handled signal arrives and then returns -1 with
 * EINTR; an ignored signal does not wake it. */
#include "st.h"

static volatile int got;
static pthread_t main_thread;
static void h(int sig) { got++; }

static void *sender(void *arg)
{
    sleep_ms(30);
    pthread_kill(main_thread, SIGUSR2); /* ignored: no wakeup */
    sleep_ms(50);
    pthread_kill(main_thread, SIGUSR1);
    return 0;
}

int main(void)
{
    pthread_t t;
    on_signal(SIGUSR1, h, 0);
    on_signal(SIGUSR2, SIG_IGN, 0);
    main_thread = pthread_self();
    CHECK_PT(pthread_create(&t, 0, sender, 0));
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(pause(), EINTR);
    CHECK_EQ(got, 1);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 70 * 1000000LL);
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
