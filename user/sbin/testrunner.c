/* testrunner: runs weft's user-space test programs and prints one result
 * line per test.
 *
 *     testrunner [-d DIR] [-t SECONDS] [-j N] GROUP...
 *
 * For every GROUP, each executable regular file in DIR/GROUP (DIR defaults
 * to /tests) is run, in byte order of its name. A test runs in its own
 * process group, with stdin on /dev/null, stdout and stderr inherited (the
 * console), argv[0] set to the test's full path (tests may re-execute
 * themselves through argv[0]) and default signal dispositions. When it ends,
 * the runner prints exactly one line:
 *
 *     TEST GROUP/NAME PASS
 *     TEST GROUP/NAME FAIL (exit N)
 *     TEST GROUP/NAME FAIL (signal N)
 *     TEST GROUP/NAME FAIL (timeout)
 *
 * A test that runs longer than SECONDS (default 30) has its whole process
 * group killed with SIGKILL. When any test ends, whatever is left of its
 * process group is killed too, so one test's stray children cannot disturb
 * the next. A GROUP that is not a directory counts as one failed test:
 *
 *     TEST GROUP FAIL (no such group)
 *
 * With -j N, up to N tests run at once and result lines come in completion
 * order. At the end:
 *
 *     TESTS DONE <passed> passed <failed> failed
 *
 * The exit status is 0 when every test passed, 1 otherwise, 2 on bad usage.
 *
 * The runner makes itself a child subreaper (PR_SET_CHILD_SUBREAPER; failure
 * is ignored), so the orphans of tests are reparented to it and reaped.
 *
 * The runner needs no /proc. It blocks SIGCHLD and waits for it with
 * sigtimedwait, so a timeout costs no polling; it reaps every child it has
 * (and, when it runs as PID 1, every orphan it inherits).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 64

struct job {
    pid_t pid;               /* 0: slot free */
    char name[512];          /* GROUP/NAME */
    struct timespec deadline;
    int timed_out;
};

static struct job jobs[MAX_JOBS];
static int njobs_max = 1;
static int timeout_s = 30;
static const char *root = "/tests";
static int passed, failed;
static sigset_t chld_set;

/* Writes a whole formatted line to fd 1, bypassing stdio so that nothing
 * is ever buffered across a fork. */
static void out(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n >= (int)sizeof buf)
        n = sizeof buf - 1;
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= w;
    }
}

static void usage(void)
{
    out("usage: testrunner [-d DIR] [-t SECONDS] [-j N] GROUP...\n");
    exit(2);
}

static void now(struct timespec *ts)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static int running(void)
{
    int n = 0;
    for (int i = 0; i < njobs_max; i++)
        n += jobs[i].pid != 0;
    return n;
}

static void report(struct job *j, int status)
{
    if (j->timed_out) {
        out("TEST %s FAIL (timeout)\n", j->name);
        failed++;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        out("TEST %s PASS\n", j->name);
        passed++;
    } else if (WIFEXITED(status)) {
        out("TEST %s FAIL (exit %d)\n", j->name, WEXITSTATUS(status));
        failed++;
    } else if (WIFSIGNALED(status)) {
        out("TEST %s FAIL (signal %d)\n", j->name, WTERMSIG(status));
        failed++;
    } else {
        out("TEST %s FAIL (status 0x%x)\n", j->name, status);
        failed++;
    }
}

/* Reaps every child that has exited, without blocking. */
static void reap(void)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid <= 0)
            return;
        for (int i = 0; i < njobs_max; i++) {
            if (jobs[i].pid == pid) {
                /* Leftovers of the test's process group go too. */
                kill(-pid, SIGKILL);
                report(&jobs[i], status);
                jobs[i].pid = 0;
                break;
            }
        }
        /* Any other pid is an orphan we inherited as PID 1: just reaped. */
    }
}

/* Waits until a child changes state or the nearest deadline passes, then
 * kills timed-out tests and reaps. */
static void wait_some(void)
{
    struct timespec t, nearest = {0, 0};
    int have = 0;
    for (int i = 0; i < njobs_max; i++) {
        if (jobs[i].pid && !jobs[i].timed_out && (!have || ts_before(&jobs[i].deadline, &nearest))) {
            nearest = jobs[i].deadline;
            have = 1;
        }
    }
    now(&t);
    struct timespec rel = {1, 0};
    if (have) {
        rel.tv_sec = nearest.tv_sec - t.tv_sec;
        rel.tv_nsec = nearest.tv_nsec - t.tv_nsec;
        if (rel.tv_nsec < 0) {
            rel.tv_nsec += 1000000000L;
            rel.tv_sec--;
        }
        if (rel.tv_sec < 0)
            rel.tv_sec = 0, rel.tv_nsec = 0;
    }
    /* SIGCHLD is blocked: it stays pending until taken here, so an exit
     * between reap() and this call is not lost. Reaping again after any
     * return covers coalesced signals. */
    sigtimedwait(&chld_set, NULL, &rel);
    now(&t);
    for (int i = 0; i < njobs_max; i++) {
        if (jobs[i].pid && !jobs[i].timed_out && !ts_before(&t, &jobs[i].deadline)) {
            jobs[i].timed_out = 1;
            kill(-jobs[i].pid, SIGKILL);
            kill(jobs[i].pid, SIGKILL); /* in case setpgid failed */
        }
    }
    reap();
}

static void start(const char *group, const char *name, const char *path)
{
    while (running() >= njobs_max)
        wait_some();
    struct job *j = NULL;
    for (int i = 0; i < njobs_max; i++)
        if (!jobs[i].pid) {
            j = &jobs[i];
            break;
        }
    snprintf(j->name, sizeof j->name, "%s/%s", group, name);
    j->timed_out = 0;

    pid_t pid = fork();
    if (pid < 0) {
        out("TEST %s FAIL (fork errno %d)\n", j->name, errno);
        failed++;
        return;
    }
    if (pid == 0) {
        setpgid(0, 0);
        /* Default dispositions and an empty mask: the test starts as if
         * spawned by a shell. */
        for (int s = 1; s < 65; s++)
            signal(s, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int fd = open("/dev/null", O_RDONLY);
        if (fd >= 0 && fd != 0) {
            dup2(fd, 0);
            close(fd);
        }
        char *argv[] = {(char *)path, NULL};
        execv(path, argv);
        if (errno == ENOEXEC) {
            char *sargv[] = {"/bin/sh", (char *)path, NULL};
            execv("/bin/sh", sargv);
        }
        out("testrunner: exec %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    /* Both sides set the group, so it is in place whichever runs first. */
    setpgid(pid, pid);
    j->pid = pid;
    now(&j->deadline);
    j->deadline.tv_sec += timeout_s;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_group(const char *group)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", root, group);
    DIR *d = opendir(dir);
    if (!d) {
        out("TEST %s FAIL (no such group)\n", group);
        failed++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096 + 256];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names) {
                out("testrunner: out of memory\n");
                exit(2);
            }
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        char path[4096 + 256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        start(group, names[i], path);
        reap();
        free(names[i]);
    }
    free(names);
    /* A group's results all come before the next group's. */
    while (running() > 0)
        wait_some();
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "d:t:j:")) != -1) {
        switch (opt) {
        case 'd':
            root = optarg;
            break;
        case 't':
            timeout_s = atoi(optarg);
            if (timeout_s <= 0)
                usage();
            break;
        case 'j':
            njobs_max = atoi(optarg);
            if (njobs_max <= 0 || njobs_max > MAX_JOBS)
                usage();
            break;
        default:
            usage();
        }
    }
    if (optind >= argc)
        usage();

    /* Orphans of the tests become our children (where the kernel has
     * subreapers), so their zombies are reaped here and not left to init. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    /* SIGCHLD must not be ignored (that would auto-reap); block it and
     * take it synchronously. */
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&chld_set);
    sigaddset(&chld_set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld_set, NULL);

    for (int i = optind; i < argc; i++)
        run_group(argv[i]);
    while (running() > 0)
        wait_some();
    out("TESTS DONE %d passed %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
