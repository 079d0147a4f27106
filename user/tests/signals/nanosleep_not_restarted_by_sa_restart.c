/* nanosleep is never restarted after a handler runs, even with SA_RESTART
 * (Linux returns EINTR and the remaining time); clock_nanosleep likewise
 * returns EINTR. */
#include "st.h"

static volatile int got;
static pthread_t sleeper;
static volatile int stop;
static void h(int sig) { got++; }

static void *sender(void *arg)
{
    while (!stop) {
        sleep_ms(50);
        if (!stop)
            pthread_kill(sleeper, SIGUSR1);
    }
    return 0;
}

int main(void)
{
    pthread_t t;
    struct timespec req = {5, 0}, rem;
    on_signal(SIGUSR1, h, SA_RESTART);
    sleeper = pthread_self();
    CHECK_PT(pthread_create(&t, 0, sender, 0));
    CHECK_ERR(nanosleep(&req, &rem), EINTR);
    CHECK(rem.tv_sec < 5);
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem), EINTR);
    stop = 1;
    CHECK(got >= 2);
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
