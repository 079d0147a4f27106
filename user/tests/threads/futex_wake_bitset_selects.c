/* FUTEX_WAKE_BITSET wakes only waiters whose FUTEX_WAIT_BITSET mask
 * intersects its own: two waiters on one word with masks 1 and 2 are woken
 * separately. (Waiters get 200 ms to fall asleep.) */
#include "tt.h"

static volatile int word, announced, woke1, woke2;

static void *waiter(void *arg)
{
    long mask = (long)arg;
    __atomic_add_fetch(&announced, 1, __ATOMIC_SEQ_CST);
    while (futex(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, 0, 0, (int)mask) != 0)
        ;
    if (mask == 1)
        woke1 = 1;
    else
        woke2 = 1;
    return 0;
}

int main(void)
{
    pthread_t a, b;
    CHECK_PT(pthread_create(&a, 0, waiter, (void *)1L));
    CHECK_PT(pthread_create(&b, 0, waiter, (void *)2L));
    while (announced < 2)
        sleep_ms(1);
    sleep_ms(200);
    CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 10, 0, 0, 4), 0);
    CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 10, 0, 0, 2), 1);
    CHECK_PT(pthread_join(b, 0));
    CHECK_EQ(woke2, 1);
    CHECK_EQ(woke1, 0);
    CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 10, 0, 0, 2), 0);
    CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 10, 0, 0, 0x11), 1);
    CHECK_PT(pthread_join(a, 0));
    CHECK_EQ(woke1, 1);
    CHECK_ERR(futex(&word, FUTEX_WAKE_BITSET, 1, 0, 0, 0), EINVAL);
    PASS();
}
