/* waitpid(-1) returns each of several children exactly once, then ECHILD. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

#define N 5

int main(void)
{
    pid_t pids[N];
    int seen[N] = {0};
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        CHECK(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(10 + i);
    }
    for (int k = 0; k < N; k++) {
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        CHECK(pid > 0);
        int i;
        for (i = 0; i < N && pids[i] != pid; i++)
            ;
        CHECK(i < N);
        CHECK(!seen[i]);
        seen[i] = 1;
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), 10 + i);
    }
    CHECK_ERR(waitpid(-1, NULL, 0), ECHILD);
    PASS();
}
