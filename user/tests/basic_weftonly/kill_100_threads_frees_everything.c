/* SIGKILL of a process whose 100 threads are blocked in futex waits frees
 * every thread, every frame of its memory and every id: after the parent
 * reaps it, AnonPages and PageTables in /proc/meminfo and the task count
 * in /proc/loadavg are back to what they were before it started.
 *
 * The counters are system-wide, so the check is "no more than before":
 * a process left by an earlier test may exit meanwhile and lower them,
 * but nothing else running adds 100 threads' worth.
 *
 * weft-only: on Linux other activity moves these counters. */
/* musl has no <linux/futex.h>. */
#define FUTEX_WAIT_PRIVATE 128
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

#define THREADS 100

static int word;

static long meminfo(const char *field)
{
    FILE *f = fopen("/proc/meminfo", "r");
    CHECK(f != NULL);
    char name[64];
    long value = -1, v;
    while (fscanf(f, "%63s %ld kB", name, &v) == 2) {
        if (strncmp(name, field, strlen(field)) == 0 && name[strlen(field)] == ':')
            value = v;
    }
    fclose(f);
    CHECK(value >= 0);
    return value;
}

static long tasks(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    CHECK(f != NULL);
    double a, b, c;
    long running, total;
    CHECK_EQ(fscanf(f, "%lf %lf %lf %ld/%ld", &a, &b, &c, &running, &total), 5);
    fclose(f);
    return total;
}

static void *blocker(void *arg)
{
    (void)arg;
    for (;;)
        syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return NULL;
}

int main(void)
{
    int ready[2];
    CHECK_OK(pipe(ready));
    /* A first pass so the stdio buffers this test allocates are already in
     * its own memory when the "before" figures are taken. */
    meminfo("AnonPages");
    tasks();
    long anon = meminfo("AnonPages"), tables = meminfo("PageTables"), before = tasks();
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 64 * 1024);
        for (int i = 0; i < THREADS; i++) {
            pthread_t t;
            CHECK_PT(pthread_create(&t, &attr, blocker, NULL));
        }
        CHECK_EQ(write(ready[1], "r", 1), 1);
        for (;;)
            pause();
    }
    char c;
    CHECK_EQ(read(ready[0], &c, 1), 1);
    CHECK(tasks() >= before + THREADS);
    CHECK(meminfo("AnonPages") > anon);
    CHECK_OK(kill(pid, SIGKILL));
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK(tasks() <= before);
    CHECK(meminfo("AnonPages") <= anon);
    CHECK(meminfo("PageTables") <= tables);
    PASS();
}
