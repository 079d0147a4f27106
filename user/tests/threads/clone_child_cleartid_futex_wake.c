/* CLONE_CHILD_CLEARTID: when the thread exits, the kernel writes 0 to the
 * child_tid word and does a FUTEX_WAKE on it; a thread waiting there
 * returns (woken, not timed out) and sees 0. */
#include "tt.h"

static volatile int tidword;

static int child(void *arg)
{
    rsleep_ms(50);
    rexit(0);
}

int main(void)
{
    void *stk = child_stack(65536);
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    int tid = clone(child, stk, flags, 0, &tidword, 0, &tidword);
    CHECK_OK(tid);
    int v;
    while ((v = tidword) != 0) {
        CHECK_EQ(v, tid);
        struct timespec ts = {10, 0}; /* a missing wake would time out */
        long r = futex(&tidword, FUTEX_WAIT, v, &ts, 0, 0);
        CHECK(r == 0 || errno == EAGAIN || errno == EINTR);
    }
    CHECK_EQ(tidword, 0);
    PASS();
}
