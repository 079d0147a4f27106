/* /proc/self/task has one directory per thread, named by its tid: a
 * process with 5 threads lists exactly the 5 tids gettid returned, and
 * /proc/self/status says "Threads:\t5".
 *
 * With arguments "hold N", it is the helper of ps.sh and of the gdb test
 * (xtask/src/gdbtest.rs): it starts N-1 threads named "worker", calls
 * uname(2) once they all sleep (the gdb test breaks on weft's uname),
 * prints "ready <pid>" and sleeps until killed. */
#include "t.h"
#include <dirent.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define THREADS 5

static pthread_barrier_t started, done;
static pid_t tids[THREADS];

static void *worker(void *arg) {
    long i = (long)arg;
    tids[i] = syscall(SYS_gettid);
    pthread_setname_np(pthread_self(), "worker");
    pthread_barrier_wait(&started);
    pthread_barrier_wait(&done);
    return NULL;
}

static void *sleeper(void *arg) {
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

/* Whether every thread but the caller sleeps ('S' in its task stat). */
static int others_asleep(pid_t self) {
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return 0;
    int asleep = 1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == self)
            continue;
        char path[64], buf[512];
        snprintf(path, sizeof path, "/proc/self/task/%d/stat", atoi(e->d_name));
        FILE *f = fopen(path, "r");
        if (!f || !fgets(buf, sizeof buf, f) || !strrchr(buf, ')') || strrchr(buf, ')')[2] != 'S')
            asleep = 0;
        if (f)
            fclose(f);
    }
    closedir(d);
    return asleep;
}

static int hold(int n) {
    pthread_t t;
    for (int i = 1; i < n; i++) {
        CHECK_PT(pthread_create(&t, NULL, sleeper, NULL));
        pthread_setname_np(t, "worker");
    }
    /* Wait until the workers sleep in pause(2), so that a debugger
     * stopping at uname finds them there. */
    pid_t self = syscall(SYS_gettid);
    for (int i = 0; i < 1000 && !others_asleep(self); i++)
        usleep(10000);
    struct utsname u;
    uname(&u);
    printf("ready %d\n", getpid());
    fflush(stdout);
    for (;;)
        pause();
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "hold") == 0)
        return hold(atoi(argv[2]));
    CHECK_PT(pthread_barrier_init(&started, NULL, THREADS));
    CHECK_PT(pthread_barrier_init(&done, NULL, THREADS));
    pthread_t t[THREADS];
    tids[0] = syscall(SYS_gettid);
    for (long i = 1; i < THREADS; i++)
        CHECK_PT(pthread_create(&t[i], NULL, worker, (void *)i));
    pthread_barrier_wait(&started);

    DIR *d = opendir("/proc/self/task");
    CHECK(d != NULL);
    int found = 0, entries = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        entries++;
        CHECK(e->d_type == DT_DIR);
        for (int i = 0; i < THREADS; i++)
            if (atoi(e->d_name) == tids[i])
                found++;
    }
    closedir(d);
    CHECK_EQ(entries, THREADS);
    CHECK_EQ(found, THREADS);

    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", getpid(), tids[2]);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    CHECK(fgets(buf, sizeof buf, f) != NULL);
    fclose(f);
    CHECK_EQ(atoi(buf), tids[2]);
    CHECK(strstr(buf, "(worker)") != NULL);

    f = fopen("/proc/self/status", "r");
    CHECK(f != NULL);
    int threads = 0;
    while (fgets(buf, sizeof buf, f))
        if (sscanf(buf, "Threads:\t%d", &threads) == 1)
            break;
    fclose(f);
    CHECK_EQ(threads, THREADS);

    pthread_barrier_wait(&done);
    for (int i = 1; i < THREADS; i++)
        CHECK_PT(pthread_join(t[i], NULL));
    PASS();
}
