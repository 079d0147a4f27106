/* sched_getattr/sched_setattr as runtimes call them at start: a thread
 * reports SCHED_OTHER with the size it was asked for; setting SCHED_OTHER
 * with priority 0 succeeds; flags are EINVAL, an attr smaller than the
 * first version is EINVAL (getattr), a pid that does not exist ESRCH. */
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "t.h"

struct attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
};

int main(void)
{
    struct attr a;
    memset(&a, 0xff, sizeof a);
    CHECK_OK(syscall(SYS_sched_getattr, 0, &a, sizeof a, 0));
    CHECK_EQ(a.size, sizeof a);
    CHECK_EQ(a.policy, 0);
    CHECK_EQ(a.priority, 0);
    CHECK_ERR(syscall(SYS_sched_getattr, 0, &a, sizeof a, 1), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getattr, 0, &a, 16, 0), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getattr, 999999, &a, sizeof a, 0), ESRCH);

    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.policy = 0;
    CHECK_OK(syscall(SYS_sched_setattr, 0, &a, 0));
    CHECK_ERR(syscall(SYS_sched_setattr, 0, &a, 1), EINVAL);
    a.priority = 5; /* SCHED_OTHER takes no priority */
    CHECK_ERR(syscall(SYS_sched_setattr, 0, &a, 0), EINVAL);
    PASS();
}
