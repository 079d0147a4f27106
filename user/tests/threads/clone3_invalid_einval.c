/* clone3 argument errors that Linux reports as EINVAL: a size below
 * CLONE_ARGS_SIZE_VER0 (64), unknown flag bits, signal bits in flags, an
 * invalid exit_signal, exit_signal with CLONE_THREAD, stack_size without a
 * stack, a stack without a size, CLONE_SIGHAND|CLONE_CLEAR_SIGHAND, and the
 * clone(2) rules (THREAD without SIGHAND). */
#include "tt.h"

static long c3(struct clone_args_v2 *a, size_t size)
{
    return syscall(SYS_clone3, a, size);
}

int main(void)
{
    struct clone_args_v2 a;
    static char stk[4096];

    memset(&a, 0, sizeof a);
    a.exit_signal = SIGCHLD;
    CHECK_ERR(c3(&a, 63), EINVAL);
    CHECK_ERR(c3(&a, 0), EINVAL);

    a.flags = 1ULL << 40;
    CHECK_ERR(c3(&a, sizeof a), EINVAL);

    a.flags = SIGCHLD; /* the signal belongs in exit_signal */
    CHECK_ERR(c3(&a, sizeof a), EINVAL);

    a.flags = 0;
    a.exit_signal = 65;
    CHECK_ERR(c3(&a, sizeof a), EINVAL);
    a.exit_signal = 1ULL << 40;
    CHECK_ERR(c3(&a, sizeof a), EINVAL);

    a.exit_signal = SIGCHLD;
    a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
    a.stack = (unsigned long)stk;
    a.stack_size = sizeof stk;
    CHECK_ERR(c3(&a, sizeof a), EINVAL);

    a.exit_signal = 0;
    a.flags = CLONE_VM | CLONE_THREAD;
    CHECK_ERR(c3(&a, sizeof a), EINVAL);

    a.flags = 0;
    a.exit_signal = SIGCHLD;
    a.stack = 0;
    a.stack_size = 4096;
    CHECK_ERR(c3(&a, sizeof a), EINVAL);
    a.stack = (unsigned long)stk;
    a.stack_size = 0;
    CHECK_ERR(c3(&a, sizeof a), EINVAL);

    a.stack = 0;
    a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_CLEAR_SIGHAND;
    CHECK_ERR(c3(&a, sizeof a), EINVAL);

    CHECK_ERR(waitpid(-1, 0, WNOHANG), ECHILD);
    PASS();
}
