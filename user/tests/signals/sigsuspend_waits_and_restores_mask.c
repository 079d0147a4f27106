/* sigsuspend replaces the mask, sleeps until a handled signal arrives,
 * returns -1 EINTR after the handler ran, and restores the old mask. */
#include "st.h"

static volatile int got;
static pthread_t main_thread;

static void h(int sig) { got++; }

static void *sender(void *arg)
{
    sleep_ms(50);
    pthread_kill(main_thread, SIGUSR1);
    return 0;
}

int main(void)
{
    sigset_t none;
    pthread_t t;
    on_signal(SIGUSR1, h, 0);
    block(SIGUSR1);
    main_thread = pthread_self();
    CHECK_PT(pthread_create(&t, 0, sender, 0));
    sigemptyset(&none);
    CHECK_ERR(sigsuspend(&none), EINTR);
    CHECK_EQ(got, 1);
    CHECK(is_blocked(SIGUSR1));
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
