/* FUTEX_REQUEUE wakes nr_wake waiters of A and moves the rest to B: A then
 * has no waiters and a wake on B wakes the moved ones. Linux returns woken
 * plus requeued. (Waiters get 200 ms to fall asleep.) */
#include "tt.h"

#define N 3

static volatile int A, B, announced, woken;

static void *waiter(void *arg)
{
    __atomic_add_fetch(&announced, 1, __ATOMIC_SEQ_CST);
    while (futex(&A, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0) != 0)
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
    /* nr_requeue is passed in the timeout argument slot. */
    long r = syscall(SYS_futex, &A, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (long)0x7fffffff, &B, 0);
    CHECK_EQ(r, N);
    for (int i = 0; i < 100 && woken < 1; i++)
        sleep_ms(5);
    CHECK_EQ(woken, 1);
    CHECK_EQ(futex(&A, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 0x7fffffff, 0, 0, 0), 0);
    CHECK_EQ(futex(&B, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 0x7fffffff, 0, 0, 0), N - 1);
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_join(t[i], 0));
    CHECK_EQ(woken, N);
    PASS();
}
