/* With cancellation disabled, a cancel request stays pending while the
 * thread sleeps through cancellation points; once re-enabled, the next
 * cancellation point acts on it. */
#include "st.h"

static volatile int requested, survived;

static void *fn(void *arg)
{
    int old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    while (!requested)
        sleep_ms(1);
    sleep_ms(30); /* a cancellation point, but disabled */
    survived = 1;
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
    pthread_testcancel();
    return (void *)1;
}

int main(void)
{
    pthread_t t;
    void *r;
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    CHECK_PT(pthread_cancel(t));
    requested = 1;
    CHECK_PT(pthread_join(t, &r));
    CHECK(r == PTHREAD_CANCELED);
    CHECK_EQ(survived, 1);
    PASS();
}
