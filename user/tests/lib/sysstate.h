/* What the exhaustion tests read and set of the whole system: /proc/sys
 * knobs, MemFree, the thread count. Include after "t.h". */
#ifndef WEFT_TESTS_SYSSTATE_H
#define WEFT_TESTS_SYSSTATE_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

/* The first number in a /proc file. */
static inline long read_proc_long(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    long v = -1;
    CHECK_EQ(fscanf(f, "%ld", &v), 1);
    fclose(f);
    return v;
}

static inline void write_proc_long(const char *path, long v)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK(fprintf(f, "%ld\n", v) > 0);
    CHECK_EQ(fclose(f), 0);
}

/* MemFree after the kernel has dropped its caches (Linux: reclaimable
 * slab, dentries and inodes; weft: free kernel-heap memory). */
static inline long memfree_kb(void)
{
    int drop = open("/proc/sys/vm/drop_caches", O_WRONLY);
    if (drop >= 0) {
        (void)!write(drop, "3\n", 2);
        close(drop);
    }
    FILE *f = fopen("/proc/meminfo", "r");
    CHECK(f != NULL);
    char line[128];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* MemFree once it is back within `slack_kb` of `before`, or after 3 s:
 * the kernel gives freed heap memory back once a second. */
static inline long memfree_back(long before, long slack_kb)
{
    long now = memfree_kb();
    for (int i = 0; i < 30 && now < before - slack_kb; i++) {
        usleep(100000);
        now = memfree_kb();
    }
    return now;
}

/* Threads in the system (sysinfo's procs). */
static inline int procs_now(void)
{
    struct sysinfo si;
    CHECK_OK(sysinfo(&si));
    return si.procs;
}

/* SIGKILLs process group `pgid` until the caller has nobody left to reap
 * (it is the group's subreaper, so orphans come to it); returns how many
 * it reaped. */
static inline long kill_group_and_reap_all(pid_t pgid)
{
    long reaped = 0;
    for (;;) {
        kill(-pgid, SIGKILL);
        int st;
        pid_t r = waitpid(-1, &st, WNOHANG);
        if (r > 0) {
            reaped++;
            continue;
        }
        if (r < 0 && errno == ECHILD)
            return reaped;
        usleep(10000);
    }
}

#endif
