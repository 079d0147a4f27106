/* After fork, the child's getppid is the parent's getpid. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pid_t me = getpid();
    CHECK(getppid() > 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(getppid() == me ? 0 : 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
