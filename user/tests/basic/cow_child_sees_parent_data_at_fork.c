/* A forked child sees the parent's memory as it was at fork time, including
 * data written just before the fork, and later parent writes are invisible
 * to it. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int n = 64;
    int *v = malloc(n * sizeof *v);
    CHECK(v);
    for (int i = 0; i < n; i++)
        v[i] = i * i;
    int go[2];
    CHECK_OK(pipe(go));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char c;
        read(go[0], &c, 1);
        for (int i = 0; i < n; i++)
            if (v[i] != i * i)
                _exit(1);
        _exit(0);
    }
    for (int i = 0; i < n; i++)
        v[i] = -1;
    CHECK_EQ(write(go[1], "x", 1), 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
