/* Helpers of the sched tests: policies by raw system call (musl's
 * sched_setscheduler wrapper returns ENOSYS), pinning, clocks, and the
 * fields of /proc stat lines. */
#ifndef WEFT_SCHED_ST_H
#define WEFT_SCHED_ST_H

#include "t.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SCHED_BATCH
#define SCHED_BATCH 3
#endif
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
#define SCHED_DEADLINE_ 6
#define RESET_ON_FORK 0x40000000

struct sattr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
};

static inline long tid_self(void) { return syscall(SYS_gettid); }

static inline long set_sched(long tid, int policy, int prio)
{
    struct sched_param p = {.sched_priority = prio};
    return syscall(SYS_sched_setscheduler, tid, policy, &p);
}

static inline long get_sched(long tid) { return syscall(SYS_sched_getscheduler, tid); }

static inline int get_param(long tid)
{
    struct sched_param p = {.sched_priority = -1};
    if (syscall(SYS_sched_getparam, tid, &p) != 0)
        return -1;
    return p.sched_priority;
}

static inline long set_attr(long tid, struct sattr *a) { return syscall(SYS_sched_setattr, tid, a, 0); }

static inline long get_attr(long tid, struct sattr *a)
{
    return syscall(SYS_sched_getattr, tid, a, sizeof *a, 0);
}

/* The raw getpriority: 20 - nice. */
static inline long raw_getprio(int which, int who) { return syscall(SYS_getpriority, which, who); }

static inline void pin_cpu0(void)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(0, &s);
    CHECK_OK(sched_setaffinity(0, sizeof s, &s));
}

static inline uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec;
}

static inline uint64_t thread_cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec;
}

static inline void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0)
        ;
}

/* Field `n` (1-based, as proc(5) numbers them) of a stat file. */
static inline long long stat_field(const char *path, int n)
{
    char buf[1024];
    FILE *f = fopen(path, "r");
    if (!f)
        FAIL("open %s: %s", path, strerror(errno));
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = 0;
    char *p = strrchr(buf, ')'); /* the name may hold spaces */
    if (!p)
        FAIL("no ) in %s", path);
    p += 2; /* field 3 */
    for (int i = 3; i < n; i++) {
        p = strchr(p, ' ');
        if (!p)
            FAIL("%s has no field %d", path, n);
        p++;
    }
    return strtoll(p, 0, 10);
}

/* Runs `fn` in a child process as user 65534 (after `prep` as root, for
 * rlimits); fails the test if the child fails. */
static inline void as_nobody(void (*prep)(void), void (*fn)(void))
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (prep)
            prep();
        if (setgid(65534) != 0 || setuid(65534) != 0)
            FAIL("setuid: %s", strerror(errno));
        fn();
        fflush(stdout);
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("unprivileged child failed (status %#x)", st);
}

static inline void set_rlimit(int res, unsigned long v)
{
    struct rlimit r = {v, v};
    CHECK_OK(setrlimit(res, &r));
}

#endif
