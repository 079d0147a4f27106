/* In a single-threaded process gettid == getpid; pids are positive and a
 * child has a different pid and tid. */
#include "t.h"
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pid_t pid = getpid();
    CHECK(pid > 0);
    CHECK_EQ(syscall(SYS_gettid), pid);
    CHECK_EQ(syscall(SYS_getpid), pid);
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0)
        _exit(syscall(SYS_gettid) == getpid() && getpid() != pid ? 0 : 1);
    int st;
    CHECK_EQ(waitpid(c, &st, 0), c);
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
