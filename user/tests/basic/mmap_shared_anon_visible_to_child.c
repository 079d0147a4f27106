/* A MAP_SHARED|MAP_ANONYMOUS mapping is shared with a forked child in both
 * directions, while a MAP_PRIVATE one is not. */
#include "t.h"
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    volatile int *sh = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *pr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED && pr != MAP_FAILED);
    sh[0] = 1;
    pr[0] = 1;
    int a[2], b[2];
    CHECK_OK(pipe(a));
    CHECK_OK(pipe(b));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char c;
        if (sh[0] != 1)
            _exit(2);
        sh[0] = 2;
        sh[1024] = 3;   /* second page, untouched by the parent so far */
        pr[0] = 2;
        write(a[1], "c", 1);
        read(b[0], &c, 1);
        _exit(sh[0] == 4 && pr[0] == 2 ? 0 : 3);
    }
    char c;
    CHECK_EQ(read(a[0], &c, 1), 1);
    CHECK_EQ(sh[0], 2);
    CHECK_EQ(sh[1024], 3);
    CHECK_EQ(pr[0], 1);
    sh[0] = 4;
    CHECK_EQ(write(b[1], "p", 1), 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
