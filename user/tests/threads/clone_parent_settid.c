/* CLONE_PARENT_SETTID stores the child's TID at parent_tid, equal to what
 * clone returns and to the child's own gettid. */
#include "tt.h"

static volatile int child_tid;

static int child(void *arg)
{
    child_tid = (int)rsys(SYS_gettid, 0, 0, 0, 0, 0, 0);
    rexit(0);
}

int main(void)
{
    volatile int ptid = -1;
    int st;
    void *stk = child_stack(65536);
    int pid = clone(child, stk, CLONE_VM | CLONE_PARENT_SETTID | SIGCHLD, 0, &ptid);
    CHECK_OK(pid);
    CHECK_EQ(ptid, pid);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(child_tid, pid);
    PASS();
}
