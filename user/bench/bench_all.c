/* bench_all: runs every benchmark program, each in its own process (and
 * process group), with a watchdog, and forwards their output.
 *
 *     bench_all [-q] [NAME...]
 *
 * -q is passed on to every program (quick smoke run); NAMEs select
 * benchmarks (default: all). Output:
 *
 *     BENCH_SUITE_START <count>
 *     ... each program's lines (BENCH and "# " lines) ...
 *     BENCH <name> n/a <reason>      when a program hung, crashed or exited
 *                                    without a result line
 *     BENCH_SUITE_END
 *
 * Started as PID 1 (the kernel command line `init=/bench/bench_all -- -q`),
 * it mounts /proc and /sys first when they are missing and a tmpfs on
 * /dev/shm, and at the end calls sync() and
 * reboot(RB_POWER_OFF).
 */
#include "bench.h"

#include <fcntl.h>
#include <stdarg.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Every benchmark, in the order they run. cargo xtask bench keeps the same
 * list (xtask/src/bench.rs, SUITE) and checks it against user/bench/. */
static const char *const SUITE[] = {
    "getppid",
    "gettid",
    "signal_roundtrip",
    "sched_yield",
    "futex_pingpong",
    "mutex_contended_2t",
    "mutex_contended_4t",
    "pipe_pingpong_thread",
    "pipe_pingpong_proc",
    "mmap_touch_munmap_4k",
    "pagefault_64m",
    "thread_create_join",
    "fork_exit_wait",
    "vfork_exec_wait",
    "posix_spawn_exec_wait",
    "kill_64_threads",
    "thread_mem_bytes",
    "threads_max",
    "kill_many_threads",
    "cyclictest",
    "hackbench",
};
#define SUITE_LEN (sizeof SUITE / sizeof SUITE[0])

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* As PID 1: make /proc/meminfo available (thread_mem_bytes needs it),
 * /sys (libnuma, which cyclictest loads, reads /sys/devices/system/node
 * when the kernel has NUMA) and a tmpfs on /dev/shm (cyclictest shm_opens
 * its statistics there). What fails is noted; the benchmarks that need it
 * then say why they fail. */
static void setup_pid1(void)
{
    static const struct {
        const char *dir, *type, *what;
    } mounts[] = {
        {"/proc", "proc", "/proc/meminfo"},
        {"/sys", "sysfs", "/sys/devices"},
        {"/dev/shm", "tmpfs", NULL},
    };
    for (size_t i = 0; i < sizeof mounts / sizeof mounts[0]; i++) {
        if (mounts[i].what && access(mounts[i].what, R_OK) == 0)
            continue;
        mkdir(mounts[i].dir, 0755);
        if (mount(mounts[i].type, mounts[i].dir, mounts[i].type, 0, NULL))
            out("# bench_all: mount %s: %s\n", mounts[i].dir, strerror(errno));
    }
}

static void info(void)
{
    struct utsname u;
    if (uname(&u) == 0)
        out("# kernel: %s %s %s\n", u.sysname, u.release, u.machine);
    out("# cpus online: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
    long total = meminfo_kb("MemTotal"), avail = meminfo_kb("MemAvailable");
    if (total >= 0)
        out("# memory: MemTotal %ld kB, MemAvailable %ld kB\n", total, avail);
}

/* Output of one benchmark program, split into lines. */
struct reader {
    char buf[4096];
    size_t len;
    int reported; /* a "BENCH <name> " line went by */
};

static void feed(struct reader *r, const char *name, const char *data, size_t len)
{
    char prefix[128];
    snprintf(prefix, sizeof prefix, "BENCH %s ", name);
    for (size_t i = 0; i < len; i++) {
        if (r->len < sizeof r->buf - 1)
            r->buf[r->len++] = data[i];
        if (data[i] != '\n' && r->len < sizeof r->buf - 1)
            continue;
        r->buf[r->len] = 0;
        /* "BENCH <name> ..." or, from a program with several result
         * rows (cyclictest), "BENCH <name>_<row> ...". */
        if (strncmp(r->buf, prefix, strlen(prefix) - 1) == 0 &&
            (r->buf[strlen(prefix) - 1] == ' ' || r->buf[strlen(prefix) - 1] == '_'))
            r->reported = 1;
        fputs(r->buf, stdout);
        if (r->buf[r->len - 1] != '\n')
            fputc('\n', stdout);
        fflush(stdout);
        r->len = 0;
    }
}

/* Runs <dir>/<name> [-q]; returns 1 when it reported a result line. */
static int run_one(const char *dir, const char *name, int quick)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fds[2];
    if (pipe(fds)) {
        out("BENCH %s n/a bench_all: pipe: %s\n", name, strerror(errno));
        return 0;
    }
    uint64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        out("BENCH %s n/a bench_all: fork: %s\n", name, strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return 0;
    }
    if (pid == 0) {
        setpgid(0, 0);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        char *argv[] = {path, quick ? "-q" : NULL, NULL};
        char *envp[] = {"PATH=/bin:/sbin:/bench", NULL};
        execve(path, argv, envp);
        dprintf(1, "BENCH %s n/a cannot execute %s: %s\n", name, path, strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    close(fds[1]);

    struct reader r = {.len = 0};
    /* Creating and tearing down 10,000 threads takes a while under TCG, and
     * so do hackbench's 320 processes and cyclictest's 7.5 s of sleeps;
     * threads_max goes up to 200,000 threads. */
    int slow = strcmp(name, "thread_mem_bytes") == 0 || strcmp(name, "cyclictest") == 0 || strcmp(name, "hackbench") == 0;
    int scale = strcmp(name, "threads_max") == 0 || strcmp(name, "kill_many_threads") == 0;
    int limit = scale ? BENCH_KILL_SCALE_S : slow ? BENCH_KILL_LONG_S : BENCH_KILL_S;
    uint64_t deadline = t0 + (uint64_t)limit * 1000000000ull;
    int timed_out = 0, poll_works = 1;
    for (;;) {
        uint64_t now = now_ns();
        if (now >= deadline) {
            timed_out = 1;
            break;
        }
        if (poll_works) {
            struct pollfd p = {.fd = fds[0], .events = POLLIN};
            int ms = (int)((deadline - now) / 1000000) + 1;
            int got = poll(&p, 1, ms);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0) {
                out("# bench_all: poll: %s (no watchdog for %s)\n", strerror(errno), name);
                poll_works = 0;
            } else if (got == 0) {
                continue;
            }
        }
        char data[512];
        ssize_t len = read(fds[0], data, sizeof data);
        if (len < 0 && errno == EINTR)
            continue;
        if (len <= 0)
            break;
        feed(&r, name, data, (size_t)len);
    }
    close(fds[0]);
    if (r.len)
        feed(&r, name, "\n", 1);

    int status = 0;
    pid_t got;
    for (;;) {
        got = waitpid(pid, &status, WNOHANG);
        if (got != 0 || timed_out || now_ns() >= deadline)
            break;
        sleep_ms(5);
    }
    if (got == 0) {
        timed_out = 1;
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        got = waitpid(pid, &status, 0);
    }
    /* Whatever the program left behind in its group goes too. */
    kill(-pid, SIGKILL);
    double secs = (double)(now_ns() - t0) / 1e9;
    if (!r.reported) {
        if (timed_out)
            out("BENCH %s n/a timeout (killed by bench_all after %d s)\n", name, limit);
        else if (got == pid && WIFSIGNALED(status))
            out("BENCH %s n/a crashed (signal %d: %s)\n", name, WTERMSIG(status), strsignal(WTERMSIG(status)));
        else if (got == pid && WIFEXITED(status))
            out("BENCH %s n/a exited with status %d without a result\n", name, WEXITSTATUS(status));
        else
            out("BENCH %s n/a bench_all: waitpid: %s\n", name, strerror(errno));
    }
    out("# %s: %.1f s\n", name, secs);
    return r.reported;
}

int main(int argc, char **argv)
{
    int quick = 0;
    const char *only[SUITE_LEN];
    size_t nonly = 0;
    bench_init(1, argv, "bench_all");
    alarm(0); /* bench_init's watchdog is for single benchmarks */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-q") == 0) {
            quick = 1;
            continue;
        }
        size_t k = 0;
        while (k < SUITE_LEN && strcmp(SUITE[k], argv[i]) != 0)
            k++;
        if (k == SUITE_LEN)
            out("# bench_all: unknown benchmark \"%s\" ignored\n", argv[i]);
        else if (nonly < SUITE_LEN)
            only[nonly++] = SUITE[k];
    }
    int pid1 = getpid() == 1;
    if (pid1)
        setup_pid1();
    signal(SIGPIPE, SIG_IGN);

    size_t count = 0;
    for (size_t k = 0; k < SUITE_LEN; k++) {
        int selected = nonly == 0;
        for (size_t j = 0; j < nonly; j++)
            selected |= strcmp(only[j], SUITE[k]) == 0;
        count += selected;
    }
    out("BENCH_SUITE_START %zu%s\n", count, quick ? " quick" : "");
    info();
    uint64_t t0 = now_ns();
    for (size_t k = 0; k < SUITE_LEN; k++) {
        int selected = nonly == 0;
        for (size_t j = 0; j < nonly; j++)
            selected |= strcmp(only[j], SUITE[k]) == 0;
        if (!selected)
            continue;
        run_one(bench_dir(), SUITE[k], quick);
        if (pid1)
            while (waitpid(-1, NULL, WNOHANG) > 0) /* orphans reparented to us */
                ;
    }
    out("# bench_all: %.1f s in all\n", (double)(now_ns() - t0) / 1e9);
    out("BENCH_SUITE_END\n");
    if (pid1) {
        sync();
        reboot(RB_POWER_OFF);
        out("# bench_all: reboot(RB_POWER_OFF): %s\n", strerror(errno));
        for (;;)
            pause();
    }
    return 0;
}
