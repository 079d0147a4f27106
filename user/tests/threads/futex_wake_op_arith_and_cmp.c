/* FUTEX_WAKE_OP: atomically old = *uaddr2, *uaddr2 = old OP oparg; wake up
 * to nr_wake waiters on uaddr1 and, if (old CMP cmparg), up to nr_wake2 on
 * uaddr2. Checks every OP (and OPARG_SHIFT), the comparison outcome, and
 * the returned total woken. */
#include "tt.h"

static volatile int w1, w2, announced, woke1, woke2;

static long wake_op(int nr1, int nr2, int op)
{
    return syscall(SYS_futex, &w1, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, nr1, (long)nr2, &w2, op);
}

static void *wait1(void *arg)
{
    __atomic_add_fetch(&announced, 1, __ATOMIC_SEQ_CST);
    while (futex(&w1, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0) != 0)
        ;
    woke1++;
    return 0;
}

static void *wait2(void *arg)
{
    int v = w2;
    __atomic_add_fetch(&announced, 1, __ATOMIC_SEQ_CST);
    while (futex(&w2, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, v, 0, 0, 0) != 0)
        v = w2;
    woke2++;
    return 0;
}

int main(void)
{
    /* Arithmetic, no waiters. */
    w2 = 5;
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 5)), 0);
    CHECK_EQ(w2, 8);
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_SET, 100, FUTEX_OP_CMP_EQ, 0)), 0);
    CHECK_EQ(w2, 100);
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_OR, 3, FUTEX_OP_CMP_EQ, 0)), 0);
    CHECK_EQ(w2, 103);
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_EQ, 0)), 0);
    CHECK_EQ(w2, 102);
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_XOR, 0xff, FUTEX_OP_CMP_EQ, 0)), 0);
    CHECK_EQ(w2, 102 ^ 0xff);
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_SET | FUTEX_OP_ARG_SHIFT, 4, FUTEX_OP_CMP_EQ, 0)), 0);
    CHECK_EQ(w2, 16);
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_ADD | FUTEX_OP_ARG_SHIFT, 1, FUTEX_OP_CMP_EQ, 0)), 0);
    CHECK_EQ(w2, 18);

    /* Comparison false: only the uaddr1 waiter wakes. */
    pthread_t a, b;
    w2 = 10;
    CHECK_PT(pthread_create(&a, 0, wait1, 0));
    CHECK_PT(pthread_create(&b, 0, wait2, 0));
    while (announced < 2)
        sleep_ms(1);
    sleep_ms(200);
    /* old = 10; 10 > 10 is false; w2 becomes 10 (SET 10): its waiter keeps
     * waiting on the same value. */
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_SET, 10, FUTEX_OP_CMP_GT, 10)), 1);
    CHECK_PT(pthread_join(a, 0));
    CHECK_EQ(woke1, 1);
    CHECK_EQ(woke2, 0);
    /* Comparison true: old = 10 >= 10; the uaddr2 waiter wakes. */
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_SET, 10, FUTEX_OP_CMP_GE, 10)), 1);
    CHECK_PT(pthread_join(b, 0));
    CHECK_EQ(woke2, 1);
    /* CMP_LT / CMP_NE / CMP_LE with no waiters: only the op happens. */
    CHECK_EQ(wake_op(1, 1, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_LT, 11)), 0);
    CHECK_EQ(w2, 11);
    /* An unknown op is rejected (ENOSYS on Linux) and leaves the word. */
    CHECK_ERR(wake_op(1, 1, FUTEX_OP(7, 1, FUTEX_OP_CMP_EQ, 0)), ENOSYS);
    CHECK_EQ(w2, 11);
    PASS();
}
