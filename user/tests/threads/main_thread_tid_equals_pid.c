/* The main thread's gettid() equals getpid(), in the first process and in
 * a forked child. */
#include "tt.h"

int main(void)
{
    int st;
    CHECK_EQ(gettid_(), getpid());
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0)
        _exit(gettid_() == getpid() ? 0 : 1);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    PASS();
}
