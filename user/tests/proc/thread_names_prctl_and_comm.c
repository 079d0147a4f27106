/* A thread's name (15 bytes at most) is its comm: prctl(PR_SET_NAME)
 * shows in /proc/self/task/<tid>/comm (with a newline), a write to that
 * file shows in prctl(PR_GET_NAME), a thread may rename a sibling through
 * the sibling's comm file (what pthread_setname_np does), and names are
 * per thread: the main thread keeps its own. */
#include "t.h"
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static pid_t worker_tid;
static pthread_barrier_t ready, renamed;

static void read_comm(pid_t tid, char *out, size_t len) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", tid);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, out, len - 1);
    CHECK(n > 0);
    out[n] = 0;
    close(fd);
}

static void write_comm(pid_t tid, const char *name) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", tid);
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, name, strlen(name)), (long)strlen(name));
    close(fd);
}

static void *worker(void *arg) {
    (void)arg;
    worker_tid = syscall(SYS_gettid);
    CHECK_OK(prctl(PR_SET_NAME, "by-prctl-and-too-long"));
    pthread_barrier_wait(&ready);
    pthread_barrier_wait(&renamed);
    char name[16] = "";
    CHECK_OK(prctl(PR_GET_NAME, name));
    if (strcmp(name, "by-sibling") != 0)
        FAIL("worker's PR_GET_NAME is \"%s\"", name);
    return NULL;
}

int main(void) {
    char buf[64];
    pid_t me = syscall(SYS_gettid);
    CHECK_PT(pthread_barrier_init(&ready, NULL, 2));
    CHECK_PT(pthread_barrier_init(&renamed, NULL, 2));
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, worker, NULL));
    pthread_barrier_wait(&ready);

    read_comm(worker_tid, buf, sizeof buf);
    CHECK(strcmp(buf, "by-prctl-and-to\n") == 0);

    /* Our own name through our comm file. */
    write_comm(me, "main-by-comm");
    char name[16] = "";
    CHECK_OK(prctl(PR_GET_NAME, name));
    CHECK(strcmp(name, "main-by-comm") == 0);
    read_comm(me, buf, sizeof buf);
    CHECK(strcmp(buf, "main-by-comm\n") == 0);

    /* A sibling's name through its comm file. */
    write_comm(worker_tid, "by-sibling");
    read_comm(worker_tid, buf, sizeof buf);
    CHECK(strcmp(buf, "by-sibling\n") == 0);
    pthread_barrier_wait(&renamed);
    CHECK_PT(pthread_join(t, NULL));

    /* The main thread kept its name; /proc/self/comm is the main thread's. */
    FILE *f = fopen("/proc/self/comm", "r");
    CHECK(f != NULL);
    CHECK(fgets(buf, sizeof buf, f) != NULL);
    fclose(f);
    CHECK(strcmp(buf, "main-by-comm\n") == 0);
    PASS();
}
