/* sched_setscheduler, sched_setparam, sched_getscheduler, sched_getparam
 * and sched_get_priority_min/max reject bad input as Linux 6.1 does:
 * EINVAL for a negative pid or policy, an unknown policy, a NULL param, a
 * priority outside 1..99 for FIFO/RR or nonzero for the others; ESRCH for
 * a thread that does not exist; EFAULT for an unreadable param. Before
 * weft had policies sched_setparam was ENOSYS and real-time requests EPERM
 * even for root; this fails there and passes on Linux. */
#include "st.h"

#include <sys/mman.h>

int main(void)
{
    struct sched_param p = {.sched_priority = 0};
    void *bad = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(bad != MAP_FAILED);

    CHECK_ERR(syscall(SYS_sched_setscheduler, -1, SCHED_OTHER, &p), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, -1, &p), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, 4, &p), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, 7, &p), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, 0x20000000, &p), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, bad), EFAULT);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 999999, SCHED_OTHER, &p), ESRCH);
    CHECK_ERR(set_sched(0, SCHED_FIFO, 0), EINVAL);
    CHECK_ERR(set_sched(0, SCHED_RR, 100), EINVAL);
    CHECK_ERR(set_sched(0, SCHED_FIFO, -1), EINVAL);
    CHECK_ERR(set_sched(0, SCHED_OTHER, 1), EINVAL);
    CHECK_ERR(set_sched(0, SCHED_BATCH, 5), EINVAL);
    CHECK_ERR(set_sched(0, SCHED_IDLE | RESET_ON_FORK, 1), EINVAL);
    /* SCHED_DEADLINE through the old call has no parameters: invalid. */
    CHECK_ERR(set_sched(0, SCHED_DEADLINE_, 0), EINVAL);

    CHECK_ERR(syscall(SYS_sched_setparam, -1, &p), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setparam, 0, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setparam, 0, bad), EFAULT);
    CHECK_ERR(syscall(SYS_sched_setparam, 999999, &p), ESRCH);
    p.sched_priority = 1; /* SCHED_OTHER takes 0 */
    CHECK_ERR(syscall(SYS_sched_setparam, 0, &p), EINVAL);
    p.sched_priority = 0;
    CHECK_OK(syscall(SYS_sched_setparam, 0, &p));

    CHECK_ERR(syscall(SYS_sched_getscheduler, -1), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getscheduler, 999999), ESRCH);
    CHECK_ERR(syscall(SYS_sched_getparam, -1, &p), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getparam, 0, bad), EFAULT);
    CHECK_ERR(syscall(SYS_sched_getparam, 999999, &p), ESRCH);

    CHECK_EQ(syscall(SYS_sched_get_priority_max, SCHED_FIFO), 99);
    CHECK_EQ(syscall(SYS_sched_get_priority_min, SCHED_RR), 1);
    CHECK_EQ(syscall(SYS_sched_get_priority_max, SCHED_OTHER), 0);
    CHECK_EQ(syscall(SYS_sched_get_priority_max, SCHED_IDLE), 0);
    CHECK_EQ(syscall(SYS_sched_get_priority_max, SCHED_DEADLINE_), 0);
    CHECK_ERR(syscall(SYS_sched_get_priority_max, 4), EINVAL);
    CHECK_ERR(syscall(SYS_sched_get_priority_min, -1), EINVAL);

    /* The legal changes, for root (which the test runs as). */
    CHECK_OK(set_sched(0, SCHED_FIFO, 10));
    CHECK_EQ(get_sched(0), SCHED_FIFO);
    CHECK_EQ(get_param(0), 10);
    p.sched_priority = 99;
    CHECK_OK(syscall(SYS_sched_setparam, 0, &p));
    CHECK_EQ(get_param(0), 99);
    CHECK_EQ(get_sched(tid_self()), SCHED_FIFO);
    CHECK_OK(set_sched(0, SCHED_RR | RESET_ON_FORK, 5));
    CHECK_EQ(get_sched(0), SCHED_RR | RESET_ON_FORK);
    CHECK_EQ(get_param(0), 5);
    CHECK_OK(set_sched(0, SCHED_BATCH, 0));
    CHECK_EQ(get_sched(0), SCHED_BATCH);
    CHECK_EQ(get_param(0), 0);
    CHECK_OK(set_sched(0, SCHED_IDLE, 0));
    CHECK_EQ(get_sched(0), SCHED_IDLE);
    CHECK_OK(set_sched(0, SCHED_OTHER, 0));
    CHECK_EQ(get_sched(0), SCHED_OTHER);
    PASS();
}
