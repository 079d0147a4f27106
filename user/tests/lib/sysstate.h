/* What the exhaustion tests read and set of the whole system: /proc/sys
 * knobs, MemFree, the thread count, the caller's own /proc/self/status
 * sizes; and a bomb of blocked threads. Include after "t.h". */
#ifndef WEFT_TESTS_SYSSTATE_H
#define WEFT_TESTS_SYSSTATE_H

#include <fcntl.h>
#include <pthread.h>
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

/* The number in the "Key:" line of /proc/self/status (kB for the Vm*
 * lines). */
static inline long self_status_kb(const char *key)
{
    static char buf[8192];
    char line_key[64];
    int fd = open("/proc/self/status", O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECK(n > 0);
    buf[n] = 0;
    close(fd);
    snprintf(line_key, sizeof line_key, "\n%s:", key);
    char *line = strstr(buf, line_key);
    CHECK(line != NULL);
    return atol(line + strlen(line_key));
}

/* What the threads of a bomb wait on, for good. */
struct bomb_gate {
    pthread_mutex_t lock;
    pthread_cond_t never;
    int running;
};

static inline struct bomb_gate *bomb_gate(void)
{
    static struct bomb_gate gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
    return &gate;
}

static inline void *bomb_sleeper(void *arg)
{
    (void)arg;
    struct bomb_gate *g = bomb_gate();
    pthread_mutex_lock(&g->lock);
    g->running++;
    for (;;)
        pthread_cond_wait(&g->never, &g->lock);
    return NULL;
}

/* Makes threads with 16 KiB stacks, each blocked for good, until
 * pthread_create fails, then waits (up to 30 s) until every thread made
 * has reached its wait. out: {threads made, pthread_create's error,
 * threads that reached their wait}. */
static inline void make_blocked_threads_until_failure(int out[3])
{
    struct bomb_gate *g = bomb_gate();
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16384);
    int made = 0, err;
    pthread_t t;
    while ((err = pthread_create(&t, &attr, bomb_sleeper, NULL)) == 0)
        made++;
    int running = 0;
    for (int tries = 0; tries < 3000; tries++) {
        pthread_mutex_lock(&g->lock);
        running = g->running;
        pthread_mutex_unlock(&g->lock);
        if (running == made)
            break;
        usleep(10000);
    }
    out[0] = made;
    out[1] = err;
    out[2] = running;
}

#endif
