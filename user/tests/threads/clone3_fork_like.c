/* clone3 without a stack behaves like fork: the child returns 0, the parent
 * gets the pid, exit_signal SIGCHLD makes it waitable, and
 * CLONE_PARENT_SETTID writes the pid through parent_tid. */
#include "tt.h"

int main(void)
{
    int ptid = 0, st;
    struct clone_args_v2 a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_PARENT_SETTID;
    a.parent_tid = (unsigned long)&ptid;
    a.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &a, sizeof a);
    if (pid == 0)
        _exit(getppid() > 0 ? 42 : 1);
    CHECK_OK(pid);
    CHECK_EQ(ptid, pid);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 42);
    PASS();
}
