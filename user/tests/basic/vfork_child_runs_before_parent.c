/* vfork suspends the parent until the child execs or exits, and the child
 * shares the parent's memory meanwhile. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

static volatile int shared;

int main(int argc, char **argv)
{
    if (argc > 1)
        return atoi(argv[1]);
    /* Child exits: its write to memory is visible to the parent. */
    pid_t pid = vfork();
    CHECK(pid >= 0);
    if (pid == 0) {
        shared = 1;
        _exit(0);
    }
    CHECK_EQ(shared, 1); /* child already ran */
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);

    /* Child execs: the parent resumes after the exec. */
    shared = 0;
    pid = vfork();
    CHECK(pid >= 0);
    if (pid == 0) {
        shared = 2;
        char *args[] = {argv[0], "9", NULL};
        execv(argv[0], args);
        _exit(99);
    }
    CHECK_EQ(shared, 2);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 9);
    PASS();
}
