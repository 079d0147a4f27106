/* sched_rr_get_interval reports SCHED_RR's 100 ms quantum, 0 for
 * SCHED_FIFO, and a nonzero slice under 100 ms for SCHED_OTHER (Linux
 * reports CFS's sched_slice); EINVAL for a negative pid, ESRCH for a
 * missing thread, EFAULT for a bad pointer. Before weft had policies the
 * call was ENOSYS; this fails there and passes on Linux. */
#include "st.h"

static long long interval_ns(long tid)
{
    struct timespec ts = {-1, -1};
    CHECK_OK(syscall(SYS_sched_rr_get_interval, tid, &ts));
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

int main(void)
{
    struct timespec ts;
    CHECK_ERR(syscall(SYS_sched_rr_get_interval, -1, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_sched_rr_get_interval, 999999, &ts), ESRCH);
    CHECK_ERR(syscall(SYS_sched_rr_get_interval, 0, (void *)8), EFAULT);

    long long other = interval_ns(0);
    CHECK(other > 0 && other < 100000000);
    CHECK_OK(set_sched(0, SCHED_RR, 10));
    CHECK_EQ(interval_ns(0), 100000000);
    CHECK_EQ(interval_ns(tid_self()), 100000000);
    CHECK_OK(set_sched(0, SCHED_FIFO, 10));
    CHECK_EQ(interval_ns(0), 0);
    CHECK_OK(set_sched(0, SCHED_OTHER, 0));
    PASS();
}
