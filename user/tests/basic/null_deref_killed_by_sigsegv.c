/* A program that dereferences NULL is killed by SIGSEGV; the parent sees
 * WTERMSIG == SIGSEGV. Reads and writes both fault. */
#include "t.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    for (int write_it = 0; write_it < 2; write_it++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            volatile int *volatile p = NULL;
            if (write_it)
                *p = 42;
            else
                _exit(*p);
            _exit(100);
        }
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFSIGNALED(st));
        CHECK_EQ(WTERMSIG(st), SIGSEGV);
    }
    PASS();
}
