/* clone(CLONE_THREAD) without CLONE_SIGHAND fails with EINVAL, as on Linux
 * (a thread must share the signal handlers). */
#include "tt.h"

static int child(void *arg)
{
    rexit(0);
}

int main(void)
{
    void *stk = child_stack(65536);
    CHECK_ERR(clone(child, stk, CLONE_VM | CLONE_THREAD, 0), EINVAL);
    CHECK_ERR(clone(child, stk, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_THREAD | CLONE_SYSVSEM, 0), EINVAL);
    PASS();
}
