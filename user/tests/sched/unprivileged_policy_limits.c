/* The permission rules of Linux 6.1 (__sched_setscheduler, can_nice,
 * set_one_prio) for a user without CAP_SYS_NICE (uid 65534):
 * - a real-time policy is EPERM with RLIMIT_RTPRIO 0, and allowed up to
 *   the limit when it is set; a real-time thread may always lower its
 *   priority, and raise it only up to the limit;
 * - raising priority (a lower nice) is EPERM (sched_setattr) or EACCES
 *   (setpriority) unless RLIMIT_NICE allows it (rlim 20 - nice); lowering
 *   it is always allowed;
 * - leaving SCHED_IDLE needs RLIMIT_NICE to allow the current nice;
 * - reset-on-fork cannot be cleared;
 * - another user's threads: EPERM for both calls.
 * Root may do all of it. Before weft had policies every real-time request
 * was EPERM even for root and setpriority never changed anything; this
 * fails there and passes on Linux. */
#include "st.h"

static void no_limits(void)
{
    /* uid 65534 may not touch init (root). */
    CHECK_ERR(set_sched(1, SCHED_OTHER, 0), EPERM);
    CHECK_ERR(setpriority(PRIO_PROCESS, 1, 5), EPERM);
    CHECK_EQ(raw_getprio(PRIO_PROCESS, 1), 20 - getpriority(PRIO_PROCESS, 1));

    CHECK_ERR(set_sched(0, SCHED_FIFO, 1), EPERM);
    CHECK_ERR(set_sched(0, SCHED_RR, 1), EPERM);
    CHECK_OK(setpriority(PRIO_PROCESS, 0, 5));
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 5);
    CHECK_ERR(setpriority(PRIO_PROCESS, 0, 4), EACCES);
    CHECK_OK(setpriority(PRIO_PROCESS, 0, 5)); /* unchanged is fine */
    CHECK_OK(setpriority(PRIO_PROCESS, 0, 6));

    struct sattr a = {.size = sizeof a, .policy = SCHED_OTHER, .nice = 5};
    CHECK_ERR(set_attr(0, &a), EPERM);
    a.nice = 7;
    CHECK_OK(set_attr(0, &a));
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 7);

    /* Into SCHED_IDLE freely, not back out (nice 7 needs rlim 13). */
    CHECK_OK(set_sched(0, SCHED_IDLE, 0));
    CHECK_ERR(set_sched(0, SCHED_OTHER, 0), EPERM);
    CHECK_ERR(set_sched(0, SCHED_BATCH, 0), EPERM);
    CHECK_OK(set_sched(0, SCHED_IDLE, 0));
}

static void nice_limit_prep(void)
{
    set_rlimit(RLIMIT_NICE, 25); /* down to nice -5 */
    CHECK_OK(set_sched(0, SCHED_IDLE, 0));
}

static void nice_limit(void)
{
    CHECK_OK(set_sched(0, SCHED_OTHER, 0)); /* rlim 20 <= 25 */
    CHECK_OK(setpriority(PRIO_PROCESS, 0, -5));
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), -5);
    CHECK_ERR(setpriority(PRIO_PROCESS, 0, -6), EACCES);
    struct sattr a = {.size = sizeof a, .policy = SCHED_BATCH, .nice = -6};
    CHECK_ERR(set_attr(0, &a), EPERM);
    a.nice = -4;
    CHECK_OK(set_attr(0, &a));
    CHECK_EQ(get_sched(0), SCHED_BATCH);
    /* Reset-on-fork: setting it is free, clearing it is not. */
    CHECK_OK(set_sched(0, SCHED_BATCH | RESET_ON_FORK, 0));
    CHECK_ERR(set_sched(0, SCHED_BATCH, 0), EPERM);
    CHECK_EQ(get_sched(0), SCHED_BATCH | RESET_ON_FORK);
}

static void rt_limit_prep(void) { set_rlimit(RLIMIT_RTPRIO, 10); }

static void rt_limit(void)
{
    CHECK_ERR(set_sched(0, SCHED_FIFO, 11), EPERM);
    CHECK_OK(set_sched(0, SCHED_FIFO, 10));
    CHECK_EQ(get_param(0), 10);
    CHECK_OK(set_sched(0, SCHED_FIFO, 3));
    CHECK_OK(set_sched(0, SCHED_FIFO, 8)); /* back up, within the limit */
    CHECK_ERR(set_sched(0, SCHED_RR, 11), EPERM);
    CHECK_OK(set_sched(0, SCHED_RR, 9));
    CHECK_OK(set_sched(0, SCHED_OTHER, 0));
}

static void rt_without_limit_prep(void)
{
    /* Made real-time by root, then the rights are dropped. */
    CHECK_OK(set_sched(0, SCHED_RR, 20));
}

static void rt_without_limit(void)
{
    CHECK_ERR(set_sched(0, SCHED_RR, 21), EPERM);
    CHECK_OK(set_sched(0, SCHED_RR, 15)); /* lowering: always */
    CHECK_EQ(get_param(0), 15);
    CHECK_ERR(set_sched(0, SCHED_FIFO, 1), EPERM); /* a new RT policy */
    CHECK_OK(set_sched(0, SCHED_OTHER, 0));
    CHECK_ERR(set_sched(0, SCHED_RR, 1), EPERM);
}

int main(void)
{
    as_nobody(0, no_limits);
    as_nobody(nice_limit_prep, nice_limit);
    as_nobody(rt_limit_prep, rt_limit);
    as_nobody(rt_without_limit_prep, rt_without_limit);

    /* Root: everything, including on another user's process. */
    pid_t child = fork();
    if (child == 0) {
        setuid(65534);
        pause();
        _exit(0);
    }
    sleep_ms(20);
    CHECK_OK(set_sched(child, SCHED_FIFO, 7));
    CHECK_EQ(get_sched(child), SCHED_FIFO);
    CHECK_OK(setpriority(PRIO_PROCESS, child, -10));
    CHECK_EQ(getpriority(PRIO_PROCESS, child), -10);
    kill(child, SIGKILL);
    waitpid(child, 0, 0);
    CHECK_OK(setpriority(PRIO_PROCESS, 0, -20));
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), -20);
    CHECK_OK(setpriority(PRIO_PROCESS, 0, 0));
    PASS();
}
