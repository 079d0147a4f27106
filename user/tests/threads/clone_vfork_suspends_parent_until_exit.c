/* CLONE_VFORK: the parent does not return from clone until the child has
 * exited; the child sleeps first, and its write is visible at return. */
#include "tt.h"

static volatile int done;

static int child(void *arg)
{
    rsleep_ms(100);
    done = 1;
    rexit(3);
}

int main(void)
{
    int st;
    void *stk = child_stack(65536);
    long long t0 = now_ns(CLOCK_MONOTONIC);
    int pid = clone(child, stk, CLONE_VM | CLONE_VFORK | SIGCHLD, 0);
    CHECK_OK(pid);
    CHECK_EQ(done, 1);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 100000000LL);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
    PASS();
}
