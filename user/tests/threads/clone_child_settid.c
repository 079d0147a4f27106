/* CLONE_CHILD_SETTID stores the child's TID at child_tid in the child's
 * memory before the child runs any code. */
#include "tt.h"

static volatile int ctid = -1;
static volatile int seen_at_start = -2, child_tid;

static int child(void *arg)
{
    seen_at_start = ctid;
    child_tid = (int)rsys(SYS_gettid, 0, 0, 0, 0, 0, 0);
    rexit(0);
}

int main(void)
{
    int st;
    void *stk = child_stack(65536);
    int pid = clone(child, stk, CLONE_VM | CLONE_CHILD_SETTID | SIGCHLD, 0, 0, 0, &ctid);
    CHECK_OK(pid);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(child_tid, pid);
    CHECK_EQ(seen_at_start, pid);
    CHECK_EQ(ctid, pid);
    PASS();
}
