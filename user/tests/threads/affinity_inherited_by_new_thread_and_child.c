/* CPU affinity is inherited: after the main thread pins itself to CPU 0,
 * a thread it creates and a child process it forks start with the mask
 * {0} and run on CPU 0 (Linux copies the creator's cpus_mask). Fails on
 * weft before the fix at 2 and 4 CPUs (new tasks got every CPU); passes on
 * Linux. */
#include "tt.h"

static int pinned_to_0(void)
{
    cpu_set_t got;
    CPU_ZERO(&got);
    if (sched_getaffinity(0, sizeof got, &got))
        return 0;
    if (CPU_COUNT(&got) != 1 || !CPU_ISSET(0, &got))
        return 0;
    for (int i = 0; i < 10; i++) {
        if (sched_getcpu() != 0)
            return 0;
        sleep_ms(1);
    }
    return 1;
}

static void *thread(void *arg)
{
    return (void *)(long)pinned_to_0();
}

int main(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    CHECK_OK(sched_setaffinity(0, sizeof set, &set));
    pthread_t t;
    void *r;
    CHECK_PT(pthread_create(&t, 0, thread, 0));
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, 1);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(pinned_to_0() ? 0 : 1);
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    PASS();
}
