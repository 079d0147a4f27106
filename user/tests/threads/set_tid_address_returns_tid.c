/* set_tid_address returns the caller's TID: the pid in the main thread and
 * in a forked child, the thread's own TID in a raw clone thread, whose
 * word the kernel then clears at exit. */
#include "tt.h"

static volatile int word = 1234, child_ret;

static int child(void *arg)
{
    child_ret = (int)rsys(SYS_set_tid_address, (long)&word, 0, 0, 0, 0, 0);
    rexit(0);
}

int main(void)
{
    static int mainword;
    int st;
    CHECK_EQ(syscall(SYS_set_tid_address, &mainword), getpid());
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(syscall(SYS_set_tid_address, &mainword) == getpid() ? 0 : 1);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

    void *stk = child_stack(65536);
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
    int tid = clone(child, stk, flags, 0);
    CHECK_OK(tid);
    while (word != 0) /* cleared (and woken) at the thread's exit */
        futex(&word, FUTEX_WAIT, 1234, &(struct timespec){0, 10000000}, 0, 0);
    CHECK_EQ(child_ret, tid);
    PASS();
}
