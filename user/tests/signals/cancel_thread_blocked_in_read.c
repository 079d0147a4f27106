/* pthread_cancel of a thread blocked in read() on an empty pipe (a
 * cancellation point): the read is interrupted, the thread is cancelled,
 * and pthread_join returns PTHREAD_CANCELED. (musl cancels with a signal
 * that must interrupt the blocking system call.) */
#include "st.h"

static int fds[2];
static volatile int entered;

static void *reader(void *arg)
{
    char c;
    entered = 1;
    read(fds[0], &c, 1);
    return (void *)1; /* not reached when cancelled */
}

int main(void)
{
    pthread_t t;
    void *r;
    CHECK_OK(pipe(fds));
    CHECK_PT(pthread_create(&t, 0, reader, 0));
    while (!entered)
        sleep_ms(1);
    sleep_ms(50);
    CHECK_PT(pthread_cancel(t));
    CHECK_PT(pthread_join(t, &r));
    CHECK(r == PTHREAD_CANCELED);
    PASS();
}
