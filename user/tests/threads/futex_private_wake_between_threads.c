/* FUTEX_PRIVATE_FLAG: a private wait is woken by a private wake from
 * another thread of the process. */
#include "tt.h"

static volatile int word, started;

static void *waiter(void *arg)
{
    started = 1;
    while (word == 0)
        futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
    return 0;
}

int main(void)
{
    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, waiter, 0));
    while (!started)
        sleep_ms(1);
    sleep_ms(100);
    word = 1;
    CHECK_EQ(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), 1);
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
