/* CLONE_VFORK: the parent resumes when the child execs (not only when it
 * exits). The child execs this program again ("child" argument), which
 * sleeps before exiting: the parent is back while the new program still
 * runs. Re-executes itself (self_path). */
#include "tt.h"

static volatile int before_exec;
static char *child_argv[3] = {0, "child", 0};
static char *child_envp[1] = {0};

static int child(void *arg)
{
    rsleep_ms(50);
    before_exec = 1;
    rsys(SYS_execve, (long)child_argv[0], (long)child_argv, (long)child_envp, 0, 0, 0);
    rexit(99);
}

int main(int argc, char **argv)
{
    int st;
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        sleep_ms(500);
        return 7;
    }
    child_argv[0] = self_path(argv[0], "/tests/threads/clone_vfork_resumes_parent_at_exec");
    void *stk = child_stack(65536);
    int pid = clone(child, stk, CLONE_VM | CLONE_VFORK | SIGCHLD, 0);
    CHECK_OK(pid);
    CHECK_EQ(before_exec, 1);
    CHECK_EQ(waitpid(pid, &st, WNOHANG), 0); /* still running the new image */
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 7);
    PASS();
}
