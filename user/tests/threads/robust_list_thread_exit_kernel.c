/* The kernel walks a thread's set_robust_list list when the thread exits:
 * a lock word holding the dead thread's TID gets FUTEX_OWNER_DIED (the
 * FUTEX_WAITERS bit kept) and a waiter on it is woken.
 *
 * The list is built by hand and the thread ends with a raw SYS_exit, so no
 * libc code is involved. Such a thread cannot be pthread_join'ed under musl
 * (musl marks threads finished from pthread_exit), so it is not joined. */
#include "tt.h"
#include <stddef.h>

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u

struct robust_list {
    struct robust_list *next;
};
struct robust_list_head {
    struct robust_list list;
    long futex_offset;
    struct robust_list *list_op_pending;
};
struct lock {
    struct robust_list link;
    volatile unsigned int word;
};

static struct lock lk;
static volatile int owner_tid;

static void *owner(void *arg)
{
    /* static: the kernel reads it after the thread is gone. */
    static struct robust_list_head head;
    head.list.next = &lk.link;
    lk.link.next = &head.list;
    head.futex_offset = offsetof(struct lock, word) - offsetof(struct lock, link);
    head.list_op_pending = 0;
    if (rsys(SYS_set_robust_list, (long)&head, sizeof head, 0, 0, 0, 0) != 0)
        rexit(1);
    int tid = (int)rsys(SYS_gettid, 0, 0, 0, 0, 0, 0);
    lk.word = tid;
    owner_tid = tid;
    rsleep_ms(50);
    rexit(0);
}

int main(void)
{
    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, owner, 0));
    while (!owner_tid)
        sched_yield();
    unsigned int tid = owner_tid;
    /* Announce a waiter, as a robust mutex implementation does. */
    CHECK(__sync_bool_compare_and_swap(&lk.word, tid, tid | FUTEX_WAITERS));
    unsigned int v;
    while ((v = lk.word) == (tid | FUTEX_WAITERS)) {
        /* Woken by the kernel, well before the timeout. */
        struct timespec ts = {10, 0};
        long r = futex((volatile int *)&lk.word, FUTEX_WAIT, (int)v, &ts, 0, 0);
        CHECK(r == 0 || errno == EAGAIN || errno == EINTR);
    }
    CHECK_EQ(v, FUTEX_OWNER_DIED | FUTEX_WAITERS);
    PASS();
}
