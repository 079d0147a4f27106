/* /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat show a thread's
 * scheduling: field 18 priority (task_prio: 20 + nice, or -1 - the
 * real-time priority), 19 nice (kept under a real-time policy), 40
 * rt_priority and 41 policy. The process's line shows its main thread,
 * each task line its own thread. Before weft had policies these were
 * always 20 0 0 0; this fails there and passes on Linux. */
#include "st.h"

static void expect(const char *path, int prio, int nice, int rt, int policy)
{
    long long f18 = stat_field(path, 18), f19 = stat_field(path, 19);
    long long f40 = stat_field(path, 40), f41 = stat_field(path, 41);
    if (f18 != prio || f19 != nice || f40 != rt || f41 != policy)
        FAIL("%s: %lld %lld %lld %lld, expected %d %d %d %d", path, f18, f19, f40, f41, prio, nice, rt, policy);
}

static volatile int stop;
static volatile long worker_tid;

static void *worker(void *arg)
{
    (void)arg;
    worker_tid = tid_self();
    while (!stop)
        sleep_ms(5);
    return 0;
}

int main(void)
{
    char self[64], task[64];
    snprintf(self, sizeof self, "/proc/%d/stat", getpid());
    expect(self, 20, 0, 0, SCHED_OTHER);
    expect("/proc/self/stat", 20, 0, 0, SCHED_OTHER);

    CHECK_OK(setpriority(PRIO_PROCESS, 0, 7));
    expect(self, 27, 7, 0, SCHED_OTHER);
    CHECK_OK(set_sched(0, SCHED_FIFO, 50));
    expect(self, -51, 7, 50, SCHED_FIFO);
    CHECK_OK(set_sched(0, SCHED_RR | RESET_ON_FORK, 3));
    expect(self, -4, 7, 3, SCHED_RR);
    CHECK_OK(set_sched(0, SCHED_IDLE, 0));
    expect(self, 27, 7, 0, SCHED_IDLE);
    CHECK_OK(set_sched(0, SCHED_BATCH, 0));
    CHECK_OK(setpriority(PRIO_PROCESS, 0, -3));
    expect(self, 17, -3, 0, SCHED_BATCH);

    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, worker, 0));
    while (!worker_tid)
        sleep_ms(1);
    snprintf(task, sizeof task, "/proc/%d/task/%ld/stat", getpid(), worker_tid);
    expect(task, 17, -3, 0, SCHED_BATCH); /* inherited */
    CHECK_OK(set_sched(worker_tid, SCHED_FIFO, 10));
    CHECK_OK(setpriority(PRIO_PROCESS, worker_tid, 2));
    expect(task, -11, 2, 10, SCHED_FIFO);
    expect(self, 17, -3, 0, SCHED_BATCH); /* the main thread's */
    snprintf(task, sizeof task, "/proc/%d/task/%d/stat", getpid(), getpid());
    expect(task, 17, -3, 0, SCHED_BATCH);
    stop = 1;
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
