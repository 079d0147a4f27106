/* kill(-pgid, SIGKILL) leaves no member of the group alive, even when the
 * members are forking as it is sent: a child whose fork overlapped the
 * group signal gets it too (Linux restarts such a fork). The group is
 * three fork chains (each process forks its successor and exits), so a
 * fork is nearly always in progress; the test reaps them as their
 * subreaper. Five rounds; before the fix about one in four group kills
 * let a child escape, which then forked on.
 * The chains of a round stop after FORKS_PER_ROUND forks in all (a counter
 * in shared memory), far more than they make before the kill: a chain that
 * escapes, or outlives a test killed by the runner, cannot fork forever. */
#include "st.h"
#include <stdatomic.h>
#include <sys/prctl.h>

#define CHAINS 3
#define ROUNDS 5
#define FORKS_PER_ROUND 5000

static _Atomic long *forks;

static void reap_all(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

/* A fork chain: fork the successor, and leave. The 4 MiB touched make each
 * fork copy a page table's worth of entries, widening the window. */
static void chain(void)
{
    char *ballast = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ballast != MAP_FAILED)
        memset(ballast, 1, 4 << 20);
    for (;;) {
        if (atomic_fetch_add(forks, 1) >= FORKS_PER_ROUND)
            _exit(0);
        pid_t c = fork();
        if (c > 0)
            _exit(0);
        if (c < 0)
            usleep(1000);
    }
}

/* Whether group `pgid` empties within `ms` (reaping meanwhile). */
static int group_gone_within(pid_t pgid, int ms)
{
    for (int t = 0; t < ms; t += 10) {
        reap_all();
        if (kill(-pgid, 0) < 0 && errno == ESRCH)
            return 1;
        usleep(10000);
    }
    return 0;
}

int main(void)
{
    CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
    forks = mmap(NULL, sizeof *forks, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(forks != MAP_FAILED);
    int escaped = 0;
    for (int round = 0; round < ROUNDS; round++) {
        atomic_store(forks, 0);
        pid_t leader = fork();
        CHECK_OK(leader);
        if (leader == 0) {
            setpgid(0, 0);
            for (int i = 1; i < CHAINS; i++)
                if (fork() == 0)
                    chain();
            chain();
        }
        setpgid(leader, leader);
        usleep(300000);
        CHECK_OK(kill(-leader, SIGKILL));
        if (!group_gone_within(leader, 2000)) {
            escaped++;
            /* Clean up: kill again until the group is empty. */
            for (int t = 0; t < 500 && !group_gone_within(leader, 10); t++)
                kill(-leader, SIGKILL);
        }
    }
    reap_all();
    CHECK_EQ(escaped, 0);
    PASS();
}
