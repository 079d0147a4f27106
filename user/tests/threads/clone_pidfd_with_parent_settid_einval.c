/* Legacy clone(2) returns the pidfd through the parent_tid argument, so
 * CLONE_PIDFD together with CLONE_PARENT_SETTID fails with EINVAL. */
#include "tt.h"

static int child(void *arg)
{
    rexit(0);
}

int main(void)
{
    int ptid = 0;
    void *stk = child_stack(65536);
    CHECK_ERR(clone(child, stk, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &ptid), EINVAL);
    CHECK_EQ(ptid, 0);
    CHECK_ERR(waitpid(-1, 0, WNOHANG), ECHILD);
    PASS();
}
