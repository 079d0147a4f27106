/* sched_setattr/sched_getattr as Linux 6.1 (without utilization clamping,
 * as Debian builds it) handles them: the size rules (0 means the first
 * version, too small or past a page is E2BIG with the kernel's size
 * written back, nonzero bytes past the known struct E2BIG), EINVAL for a
 * NULL attr, negative pid or policy, nonzero flags argument, unknown
 * sched_flags or invalid SCHED_DEADLINE parameters, clamp flags in a
 * first-version struct; EOPNOTSUPP for clamp flags otherwise; EPERM for
 * a valid SCHED_DEADLINE request by an unprivileged user. KEEP_POLICY
 * keeps the policy and the reset-on-fork bit, KEEP_PARAMS keeps nice and
 * priority (and then the policy too). getattr reports the policy, the
 * reset-on-fork flag, and the priority or nice, in at most `size` bytes.
 * Before weft had policies getattr always said SCHED_OTHER nice 0 and
 * real-time requests were EPERM; this fails there and passes on Linux. */
#include "st.h"

#include <sys/mman.h>

static void unprivileged_deadline(void)
{
    struct sattr a = {.size = sizeof a, .policy = SCHED_DEADLINE_, .runtime = 10000000, .deadline = 30000000, .period = 30000000};
    CHECK_ERR(set_attr(0, &a), EPERM);
    a.runtime = 0; /* invalid parameters come first */
    CHECK_ERR(set_attr(0, &a), EINVAL);
}

int main(void)
{
    struct sattr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    CHECK_ERR(syscall(SYS_sched_setattr, 0, NULL, 0), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setattr, -1, &a, 0), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setattr, 0, &a, 1), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setattr, 999999, &a, 0), ESRCH);
    void *bad = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_ERR(syscall(SYS_sched_setattr, 0, bad, 0), EFAULT);
    CHECK_ERR(syscall(SYS_sched_getattr, 0, bad, sizeof a, 0), EFAULT);

    /* Sizes. */
    a.size = 47;
    CHECK_ERR(set_attr(0, &a), E2BIG);
    CHECK_EQ(a.size, 56);
    a.size = 4097;
    CHECK_ERR(set_attr(0, &a), E2BIG);
    CHECK_EQ(a.size, 56);
    struct {
        struct sattr a;
        uint64_t more;
    } big;
    memset(&big, 0, sizeof big);
    big.a.size = sizeof big;
    CHECK_OK(set_attr(0, &big.a));
    big.more = 1;
    CHECK_ERR(set_attr(0, &big.a), E2BIG);
    CHECK_EQ(big.a.size, 56);
    memset(&a, 0, sizeof a); /* size 0: the first version */
    a.nice = 2;
    CHECK_OK(set_attr(0, &a));
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 2);

    /* Policies and flags. */
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.policy = -1;
    CHECK_ERR(set_attr(0, &a), EINVAL);
    a.policy = 4;
    CHECK_ERR(set_attr(0, &a), EINVAL);
    a.policy = SCHED_OTHER;
    a.flags = 0x80;
    CHECK_ERR(set_attr(0, &a), EINVAL);
    a.flags = 0x10000000; /* SCHED_FLAG_SUGOV: kernel only */
    CHECK_ERR(set_attr(0, &a), EINVAL);
    a.flags = 0x20; /* util clamp min */
    CHECK_ERR(set_attr(0, &a), EOPNOTSUPP);
    a.size = 48;
    CHECK_ERR(set_attr(0, &a), EINVAL);
    a.size = sizeof a;
    a.flags = 0;
    a.policy = SCHED_DEADLINE_;
    CHECK_ERR(set_attr(0, &a), EINVAL);
    a.policy = SCHED_FIFO;
    a.priority = 0;
    CHECK_ERR(set_attr(0, &a), EINVAL);
    a.priority = 100;
    CHECK_ERR(set_attr(0, &a), EINVAL);
    a.priority = 30;
    a.flags = 1; /* reset on fork */
    CHECK_OK(set_attr(0, &a));
    CHECK_EQ(get_sched(0), SCHED_FIFO | RESET_ON_FORK);

    struct sattr g;
    memset(&g, 0xff, sizeof g);
    CHECK_OK(get_attr(0, &g));
    CHECK_EQ(g.size, 56);
    CHECK_EQ(g.policy, SCHED_FIFO);
    CHECK_EQ(g.flags, 1);
    CHECK_EQ(g.priority, 30);
    CHECK_EQ(g.nice, 0); /* real-time: the nice is not reported */
    CHECK_EQ(g.util_min, 0);
    CHECK_EQ(g.util_max, 0);
    CHECK_ERR(syscall(SYS_sched_getattr, 0, &g, 47, 0), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getattr, 0, &g, 4097, 0), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getattr, -1, &g, sizeof g, 0), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getattr, 0, NULL, sizeof g, 0), EINVAL);
    memset(&g, 0xff, sizeof g);
    CHECK_OK(syscall(SYS_sched_getattr, 0, &g, 48, 0));
    CHECK_EQ(g.size, 48);
    CHECK_EQ(g.util_min, 0xffffffffu); /* past the size: untouched */

    /* KEEP_POLICY: the policy field and reset flag are ignored. */
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.policy = SCHED_OTHER;
    a.priority = 40;
    a.flags = 0x08;
    CHECK_OK(set_attr(0, &a));
    CHECK_EQ(get_sched(0), SCHED_FIFO | RESET_ON_FORK);
    CHECK_EQ(get_param(0), 40);

    /* KEEP_PARAMS: the thread's own priority stands in. */
    a.flags = 0x10;
    a.policy = SCHED_RR;
    a.priority = 0;
    CHECK_OK(set_attr(0, &a));
    CHECK_EQ(get_param(0), 40);
    CHECK_EQ(get_sched(0), SCHED_FIFO); /* parameters and policy kept, the flag cleared */

    /* Back to normal; nice comes from the attr and is clamped. */
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.policy = SCHED_BATCH;
    a.nice = 100;
    CHECK_OK(set_attr(0, &a));
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 19);
    memset(&g, 0, sizeof g);
    CHECK_OK(get_attr(0, &g));
    CHECK_EQ(g.policy, SCHED_BATCH);
    CHECK_EQ(g.nice, 19);
    CHECK_EQ(g.priority, 0);
    a.policy = SCHED_OTHER;
    a.nice = -100;
    CHECK_OK(set_attr(0, &a));
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), -20);
    a.nice = 0;
    CHECK_OK(set_attr(0, &a));

    as_nobody(0, unprivileged_deadline);
    PASS();
}
