/* Writing to a PROT_READ mapping kills the writer with SIGSEGV; reading it
 * is fine. */
#include "t.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    volatile char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(p[100], 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        p[100] = 1;
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    PASS();
}
