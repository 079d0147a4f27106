/* fork returns 0 in the child and the child's pid in the parent; the child
 * has a new pid. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pid_t me = getpid();
        write(p[1], &me, sizeof me);
        _exit(me != parent ? 0 : 1);
    }
    CHECK(pid != parent);
    pid_t child_saw;
    CHECK_EQ(read(p[0], &child_saw, sizeof child_saw), sizeof child_saw);
    CHECK_EQ(child_saw, pid);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
