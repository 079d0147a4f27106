/* clone(CLONE_FS | CLONE_NEWNS) fails with EINVAL (a shared fs context
 * cannot live in a new mount namespace), checked before privileges. */
#include "tt.h"

static int child(void *arg)
{
    rexit(0);
}

int main(void)
{
    void *stk = child_stack(65536);
    CHECK_ERR(clone(child, stk, CLONE_FS | CLONE_NEWNS | SIGCHLD, 0), EINVAL);
    CHECK_ERR(waitpid(-1, 0, WNOHANG), ECHILD);
    PASS();
}
