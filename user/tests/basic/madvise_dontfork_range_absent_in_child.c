/* MADV_DONTFORK leaves a range out of a fork child (Linux VM_DONTCOPY):
 * the child's access there is SIGSEGV. MADV_DOFORK undoes it: the child
 * then sees the parent's data.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_status(volatile char *p)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(p[0] == 'x' ? 0 : 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    return st;
}

int main(void)
{
    char *p = mmap(0, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 'x', 2 * 4096);
    CHECK_OK(madvise(p, 4096, MADV_DONTFORK));
    int st = child_status(p);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    /* The other page was not advised. */
    st = child_status(p + 4096);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_OK(madvise(p, 4096, MADV_DOFORK));
    st = child_status(p);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(p[0], 'x');
    PASS();
}
