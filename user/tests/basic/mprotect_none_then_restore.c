/* mprotect(PROT_NONE) makes reads fault (SIGSEGV in a child); restoring
 * PROT_READ|PROT_WRITE brings the old contents back; mprotect to PROT_READ
 * makes writes fault; an unaligned address is EINVAL (raw syscall), an unmapped range
 * ENOMEM. */
#include "t.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_status(volatile char *p, int write_it)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (write_it)
            p[0] = 1;
        else
            _exit(p[0] == 'm' ? 0 : 2);
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    return st;
}

int main(void)
{
    char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 'm', 2 * 4096);
    CHECK_OK(mprotect(p, 4096, PROT_NONE));
    int st = child_status(p, 0);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    CHECK_EQ(p[4096], 'm'); /* second page untouched */
    CHECK_OK(mprotect(p, 4096, PROT_READ));
    st = child_status(p, 0);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    st = child_status(p, 1);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    CHECK_OK(mprotect(p, 2 * 4096, PROT_READ | PROT_WRITE));
    CHECK_EQ(p[0], 'm');
    p[0] = 'w';
    /* Raw syscall: musl's mprotect rounds the address down. */
    CHECK_ERR(syscall(SYS_mprotect, p + 1, 4096, PROT_READ), EINVAL);
    CHECK_OK(munmap(p, 2 * 4096));
    CHECK_ERR(mprotect(p, 4096, PROT_READ), ENOMEM);
    PASS();
}
