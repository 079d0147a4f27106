/* A thread blocked in FUTEX_WAIT (no timeout) does not keep the process
 * alive: another thread's exit_group ends the whole process cleanly with
 * the exit_group status. */
#include "tt.h"

static volatile int word, waiting;

static void *blocker(void *arg)
{
    waiting = 1;
    for (;;)
        futex(&word, FUTEX_WAIT, 0, 0, 0, 0);
    return 0;
}

static void *ender(void *arg)
{
    while (!waiting)
        sched_yield();
    sleep_ms(100);
    syscall(SYS_exit_group, 4);
    return 0;
}

int main(void)
{
    int st;
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        pthread_t a, b;
        pthread_create(&a, 0, blocker, 0);
        pthread_create(&b, 0, ender, 0);
        /* The main thread also blocks in a private futex wait. */
        static volatile int w2;
        for (;;)
            futex(&w2, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
    }
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 4);
    PASS();
}
