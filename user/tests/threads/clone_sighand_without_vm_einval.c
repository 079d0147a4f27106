/* clone(CLONE_SIGHAND) without CLONE_VM fails with EINVAL, as on Linux
 * (shared handlers need a shared address space). */
#include "tt.h"

static int child(void *arg)
{
    rexit(0);
}

int main(void)
{
    void *stk = child_stack(65536);
    CHECK_ERR(clone(child, stk, CLONE_SIGHAND | SIGCHLD, 0), EINVAL);
    CHECK_ERR(clone(child, stk, CLONE_SIGHAND | CLONE_THREAD, 0), EINVAL);
    /* Nothing was created. */
    CHECK_ERR(waitpid(-1, 0, WNOHANG), ECHILD);
    PASS();
}
