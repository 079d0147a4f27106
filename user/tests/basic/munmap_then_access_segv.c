/* After munmap, touching the range kills with SIGSEGV; unmapping the middle
 * page of three leaves the outer two usable. munmap of an unaligned address
 * or zero length is EINVAL; munmap of an unmapped range succeeds. */
#include "t.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int touch_status(volatile char *p)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        p[0] = 1;
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    return st;
}

int main(void)
{
    char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 'x', 3 * 4096);
    CHECK_OK(munmap(p + 4096, 4096));
    int st = touch_status(p + 4096);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    CHECK_EQ(p[0], 'x');
    CHECK_EQ(p[2 * 4096 + 5], 'x');
    p[0] = 'y';
    p[2 * 4096] = 'y';
    CHECK_ERR(munmap(p + 1, 4096), EINVAL);
    CHECK_ERR(munmap(p, 0), EINVAL);
    CHECK_OK(munmap(p + 4096, 4096)); /* already unmapped: still 0 */
    CHECK_OK(munmap(p, 3 * 4096));
    st = touch_status(p);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    st = touch_status(p + 2 * 4096);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    PASS();
}
