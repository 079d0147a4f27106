/* A thread dies between releasing a plain robust futex (word now 0) and
 * waking its waiter: the word is still its robust list's list_op_pending,
 * so at its death the kernel does the wake it missed (Linux's
 * handle_futex_death for a pending op with owner 0). The waiter, in
 * FUTEX_WAIT on the word, returns 0 instead of timing out. Fails on weft
 * before the pending-op wake (ETIMEDOUT after 2 s); passes on Linux. */
#include "tt.h"

struct robust_head {
    void *next;
    long futex_offset;
    void *list_op_pending;
};

static volatile int word; /* the futex word, free (0) */
static volatile int waiting;
static long waited = -2;

static void *waiter(void *arg)
{
    struct timespec ts = {2, 0};
    waiting = 1;
    /* Not private: the death's wake uses a shared key, as on Linux. */
    waited = futex(&word, FUTEX_WAIT, 0, &ts, 0, 0) == 0 ? 0 : errno;
    return 0;
}

static void *dies_mid_unlock(void *arg)
{
    static struct robust_head head;
    static void *entry; /* the lock's list node; the word is at entry + offset */
    head.next = &head;  /* no lock held */
    head.futex_offset = (char *)&word - (char *)&entry;
    head.list_op_pending = &entry;
    CHECK_OK(syscall(SYS_set_robust_list, &head, sizeof head));
    return 0; /* exits "after" storing 0 and before the wake */
}

int main(void)
{
    pthread_t w, d;
    CHECK_PT(pthread_create(&w, 0, waiter, 0));
    while (!waiting)
        sleep_ms(1);
    sleep_ms(100);
    CHECK_PT(pthread_create(&d, 0, dies_mid_unlock, 0));
    CHECK_PT(pthread_join(d, 0));
    CHECK_PT(pthread_join(w, 0));
    CHECK_EQ(waited, 0);
    PASS();
}
