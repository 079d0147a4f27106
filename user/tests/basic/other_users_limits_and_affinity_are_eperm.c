/* A process may not change the resource limits or CPU affinity of a
 * process that belongs to another user (Linux: EPERM without
 * CAP_SYS_RESOURCE / CAP_SYS_NICE). A fuzzer running as nobody once set
 * its root supervisor's RLIMIT_NOFILE to 0. Here a child drops to nobody
 * and tries it on its root parent; its own limits stay its to change. */
#include "t.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        struct rlimit zero = {0, 0};
        if (syscall(SYS_prlimit64, parent, RLIMIT_NOFILE, &zero, NULL) != -1 || errno != EPERM)
            _exit(3);
        struct rlimit mine = {16, 16};
        if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &mine, NULL) != 0)
            _exit(4);
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(0, &one);
        if (sched_setaffinity(parent, sizeof one, &one) != -1 || errno != EPERM)
            _exit(5);
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    struct rlimit now;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &now));
    CHECK(now.rlim_cur > 0);
    PASS();
}
