/* FUTEX_WAKE wakes at most the requested number of waiters and returns how
 * many it woke: 3 waiters, wake(2) -> 2, wake(all) -> 1, then 0.
 * (The waiters are given 200 ms to fall asleep after announcing.) */
#include "tt.h"

#define N 3

static volatile int word, announced, woken;

static void *waiter(void *arg)
{
    __atomic_add_fetch(&announced, 1, __ATOMIC_SEQ_CST);
    while (futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0) != 0)
        ;
    __atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int main(void)
{
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_create(&t[i], 0, waiter, 0));
    while (announced < N)
        sleep_ms(1);
    sleep_ms(200);
    CHECK_EQ(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 2, 0, 0, 0), 2);
    CHECK_EQ(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 0x7fffffff, 0, 0, 0), 1);
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_join(t[i], 0));
    CHECK_EQ(woken, N);
    CHECK_EQ(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 0x7fffffff, 0, 0, 0), 0);
    PASS();
}
