/* getpriority/setpriority for PRIO_PROCESS, PRIO_PGRP and PRIO_USER as
 * Linux 6.1 (kernel/sys.c): PRIO_PROCESS names one thread (a tid), the
 * group and user forms every thread of the matched processes; the raw
 * getpriority returns 20 - the lowest nice among them; ESRCH when nothing
 * matches; EINVAL for a bad `which`; nice values are clamped to -20..19.
 * Before weft had policies getpriority always returned 20 and setpriority
 * changed nothing; this fails there and passes on Linux. */
#include "st.h"

static volatile long worker_tid;
static volatile int stop;

static void *worker(void *arg)
{
    (void)arg;
    worker_tid = tid_self();
    while (!stop)
        sleep_ms(5);
    return 0;
}

/* A child in process group `pgid` (0: its own) as `uid`, at `nice`. */
static pid_t child(pid_t pgid, int uid, int nice)
{
    int fd[2];
    CHECK_OK(pipe(fd));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        setpgid(0, pgid);
        setpriority(PRIO_PROCESS, 0, nice);
        if (uid)
            setuid(uid);
        write(fd[1], "x", 1);
        for (;;)
            pause();
    }
    char c;
    CHECK_EQ(read(fd[0], &c, 1), 1);
    close(fd[0]);
    close(fd[1]);
    return pid;
}

int main(void)
{
    CHECK_ERR(raw_getprio(3, 0), EINVAL);
    CHECK_ERR(raw_getprio(-1, 0), EINVAL);
    CHECK_ERR(setpriority(3, 0, 0), EINVAL);
    CHECK_ERR(raw_getprio(PRIO_PROCESS, 999999), ESRCH);
    CHECK_ERR(raw_getprio(PRIO_PROCESS, -5), ESRCH);
    CHECK_ERR(setpriority(PRIO_PROCESS, 999999, 1), ESRCH);
    CHECK_ERR(raw_getprio(PRIO_PGRP, 999999), ESRCH);
    CHECK_ERR(setpriority(PRIO_PGRP, 999999, 1), ESRCH);
    CHECK_ERR(raw_getprio(PRIO_USER, 54321), ESRCH);
    CHECK_ERR(setpriority(PRIO_USER, 54321, 1), ESRCH);

    CHECK_OK(setpriority(PRIO_PROCESS, 0, 100));
    CHECK_EQ(raw_getprio(PRIO_PROCESS, 0), 1);
    CHECK_OK(setpriority(PRIO_PROCESS, 0, -100));
    CHECK_EQ(raw_getprio(PRIO_PROCESS, 0), 40);
    CHECK_OK(setpriority(PRIO_PROCESS, 0, 0));

    /* PRIO_PROCESS is one thread. */
    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, worker, 0));
    while (!worker_tid)
        sleep_ms(1);
    CHECK_OK(setpriority(PRIO_PROCESS, worker_tid, 9));
    CHECK_EQ(raw_getprio(PRIO_PROCESS, worker_tid), 11);
    CHECK_EQ(raw_getprio(PRIO_PROCESS, 0), 20);
    CHECK_EQ(raw_getprio(PRIO_PROCESS, getpid()), 20);

    /* PRIO_PGRP: a group of three children. */
    pid_t a = child(0, 0, 3);
    pid_t b = child(a, 0, 8);
    pid_t c = child(a, 0, 5);
    CHECK_EQ(raw_getprio(PRIO_PGRP, a), 20 - 3);
    CHECK_OK(setpriority(PRIO_PGRP, a, 12));
    CHECK_EQ(raw_getprio(PRIO_PROCESS, a), 8);
    CHECK_EQ(raw_getprio(PRIO_PROCESS, b), 8);
    CHECK_EQ(raw_getprio(PRIO_PROCESS, c), 8);
    CHECK_EQ(raw_getprio(PRIO_PGRP, a), 8);
    /* who 0: the caller's own group (its threads: 0 and 9). */
    CHECK_EQ(raw_getprio(PRIO_PGRP, 0), 20);

    /* PRIO_USER: two processes of uid 65533. */
    pid_t u1 = child(0, 65533, 6);
    pid_t u2 = child(0, 65533, 4);
    CHECK_EQ(raw_getprio(PRIO_USER, 65533), 16);
    CHECK_OK(setpriority(PRIO_USER, 65533, 15));
    CHECK_EQ(raw_getprio(PRIO_PROCESS, u1), 5);
    CHECK_EQ(raw_getprio(PRIO_PROCESS, u2), 5);
    CHECK_EQ(raw_getprio(PRIO_USER, 65533), 5);
    /* who 0: the caller's real uid (root: everything root runs). */
    CHECK(raw_getprio(PRIO_USER, 0) >= 20);

    pid_t all[] = {a, b, c, u1, u2};
    for (int i = 0; i < 5; i++) {
        kill(all[i], SIGKILL);
        waitpid(all[i], 0, 0);
    }
    stop = 1;
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
