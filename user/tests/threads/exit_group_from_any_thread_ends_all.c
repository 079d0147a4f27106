/* exit_group from a non-leader thread ends every thread of the process
 * with its status, and so does exit_group from the leader while other
 * threads run. */
#include "tt.h"

static void *sleeper(void *arg)
{
    for (;;)
        pause();
    return 0;
}

static void *ender(void *arg)
{
    sleep_ms(50);
    syscall(SYS_exit_group, 9);
    return 0;
}

static int run(int from_leader)
{
    int st;
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        pthread_t t;
        for (int i = 0; i < 3; i++)
            pthread_create(&t, 0, sleeper, 0);
        if (from_leader) {
            sleep_ms(50);
            syscall(SYS_exit_group, 9);
        }
        pthread_create(&t, 0, ender, 0);
        for (;;)
            pause();
    }
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    return WEXITSTATUS(st);
}

int main(void)
{
    CHECK_EQ(run(0), 9);
    CHECK_EQ(run(1), 9);
    PASS();
}
