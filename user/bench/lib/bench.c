/* Calibration, repetitions, reporting and the in-process watchdog shared by
 * every benchmark program (see bench.h). */
#include "bench.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Linux uapi values (musl ships no <linux/futex.h>). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

int bench_quick;
static const char *name = "?";
static char dir[256] = "/bench";
static char reason[256];

const char *bench_name(void) { return name; }
const char *bench_dir(void) { return dir; }

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* write(2) of a whole string, usable from a signal handler. */
static void put(const char *s)
{
    size_t len = strlen(s);
    while (len) {
        ssize_t w = write(1, s, len);
        if (w <= 0)
            return;
        s += w;
        len -= (size_t)w;
    }
}

static char watchdog_msg[64] = " n/a timeout (in-process watchdog after 55 s)\n";

void bench_watchdog(unsigned seconds)
{
    snprintf(watchdog_msg, sizeof watchdog_msg, " n/a timeout (in-process watchdog after %u s)\n", seconds);
    alarm(seconds);
}

static void on_watchdog(int sig)
{
    (void)sig;
    put("BENCH ");
    put(name);
    put(watchdog_msg);
    /* bench_all gives each program its own process group: take forked
     * helpers down with us. */
    if (getpgrp() == getpid())
        kill(0, SIGKILL);
    _exit(1);
}

void bench_init(int argc, char **argv, const char *bench)
{
    name = bench;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-q") == 0)
            bench_quick = 1;
        else
            bench_na("bad argument \"%s\" (usage: %s [-q])", argv[i], argv[0]);
    }
    if (argc > 0 && argv[0] && strchr(argv[0], '/')) {
        snprintf(dir, sizeof dir, "%s", argv[0]);
        char *slash = strrchr(dir, '/');
        if (slash == dir)
            slash[1] = 0;
        else
            *slash = 0;
    }
    struct sigaction sa = {.sa_handler = on_watchdog};
    if (sigaction(SIGALRM, &sa, NULL) == 0)
        bench_watchdog(BENCH_WATCHDOG_S); /* without SIGALRM, bench_all's kill remains */
}

static void vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    vsnprintf(buf, size, fmt, ap);
    for (char *c = buf; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
}

void bench_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat(reason, sizeof reason, fmt, ap);
    va_end(ap);
}

void bench_na(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printf("BENCH %s n/a %s\n", name, buf);
    fflush(stdout);
    exit(1);
}

void bench_result(uint64_t iterations, double value)
{
    printf("BENCH %s %llu %.1f\n", name, (unsigned long long)iterations, value);
    fflush(stdout);
    exit(0);
}

void bench_note(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printf("# %s: %s\n", name, buf);
}

static uint64_t round_up(uint64_t n, uint64_t granule)
{
    if (n < granule)
        return granule;
    return (n + granule - 1) / granule * granule;
}

/* One call of the body; exits with n/a when it fails. Returns wall ns. */
static uint64_t call(bench_body body, void *arg, uint64_t n, uint64_t *timed)
{
    reason[0] = 0;
    uint64_t t0 = now_ns();
    if (body(arg, n, timed) != 0)
        bench_na("%s", reason[0] ? reason : "failed (no reason given)");
    uint64_t wall = now_ns() - t0;
    return wall ? wall : 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void bench_run(bench_body body, void *arg, uint64_t ops_per_n, uint64_t quick_n, uint64_t granule)
{
    uint64_t timed;
    if (granule == 0)
        granule = 1;
    if (ops_per_n == 0)
        ops_per_n = 1;
    if (bench_quick) {
        uint64_t n = round_up(quick_n, granule);
        call(body, arg, n, &timed);
        bench_result(n * ops_per_n, (double)timed / (double)(n * ops_per_n));
    }

    /* Calibration: grow n until one call takes a tenth of the target, then
     * scale to the target. Wall time counts (setup included) so that slow
     * setups cannot stretch a repetition. */
    uint64_t n = granule, wall;
    for (;;) {
        wall = call(body, arg, n, &timed);
        if (wall >= BENCH_TARGET_NS / 10)
            break;
        uint64_t factor = (BENCH_TARGET_NS / 10) / wall;
        factor = factor < 2 ? 2 : factor > 10 ? 10 : factor;
        n = round_up(n * factor, granule);
    }
    n = round_up((uint64_t)((double)n * (double)BENCH_TARGET_NS / (double)wall), granule);

    double v[BENCH_REPS];
    int recalibrated = 0;
    for (int r = 0; r < BENCH_REPS; r++) {
        wall = call(body, arg, n, &timed);
        v[r] = (double)timed / (double)(n * ops_per_n);
        if (wall > 3 * BENCH_TARGET_NS || wall < BENCH_TARGET_NS / 3) {
            /* The calibration was off (a host hiccup during it, or the
             * machine got slower since): rescale, keeping the run bounded.
             * ns/op stays comparable across repetitions of different n. */
            n = round_up((uint64_t)((double)n * (double)BENCH_TARGET_NS / (double)wall), granule);
            recalibrated++;
        }
    }
    qsort(v, BENCH_REPS, sizeof v[0], cmp_double);
    bench_note("%d reps x %llu ops: min %.1f median %.1f max %.1f ns/op%s", BENCH_REPS,
               (unsigned long long)(n * ops_per_n), v[0], v[BENCH_REPS / 2], v[BENCH_REPS - 1],
               recalibrated ? " (n rescaled during the run)" : "");
    bench_result(n * ops_per_n, v[BENCH_REPS / 2]);
}

int futex_wait(volatile int *addr, int val)
{
    return (int)syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

int futex_wake(volatile int *addr, int count)
{
    return (int)syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
}

long meminfo_kb(const char *field)
{
    char buf[4096];
    int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    int err = errno;
    close(fd);
    if (len < 0) {
        errno = err;
        return -1;
    }
    buf[len] = 0;
    size_t flen = strlen(field);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, field, flen) == 0 && line[flen] == ':')
            return strtol(line + flen + 1, NULL, 10);
    }
    errno = ENOENT;
    return -1;
}

static void *parked_main(void *arg)
{
    struct parked *p = arg;
    __atomic_fetch_add(&p->started, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&p->gate, __ATOMIC_SEQ_CST) == 0)
        futex_wait(&p->gate, 0);
    return NULL;
}

void parked_create(struct parked *p, unsigned long cap, size_t stack)
{
    struct parked marking = *p;
    memset(p, 0, sizeof *p);
    p->mark_every = marking.mark_every;
    p->marks = marking.marks;
    p->on_mark = marking.on_mark;
    p->cap = cap;
    p->ids = calloc(cap, sizeof(pthread_t));
    if (!p->ids) {
        p->error = ENOMEM;
        return;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack);
    pthread_t *ids = p->ids;
    while (p->count < cap) {
        int err = pthread_create(&ids[p->count], &attr, parked_main, p);
        if (err) {
            p->error = err;
            break;
        }
        p->count++;
        if (p->mark_every && p->count % p->mark_every == 0) {
            unsigned long i = p->count / p->mark_every - 1;
            p->marks[i] = now_ns();
            if (p->on_mark)
                p->on_mark(p, i);
        }
    }
    pthread_attr_destroy(&attr);
    while ((unsigned long)__atomic_load_n(&p->started, __ATOMIC_SEQ_CST) < p->count) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
}

void parked_release(struct parked *p)
{
    __atomic_store_n(&p->gate, 1, __ATOMIC_SEQ_CST);
    futex_wake(&p->gate, 0x7fffffff);
    pthread_t *ids = p->ids;
    for (unsigned long i = 0; i < p->count; i++)
        pthread_join(ids[i], NULL);
    free(p->ids);
    p->ids = NULL;
}

/* Raises vm.max_map_count to `want` if it is lower and we may. */
void bench_raise_max_map_count(long want)
{
    long have = -1;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    if (!f)
        return;
    if (fscanf(f, "%ld", &have) != 1)
        have = -1;
    fclose(f);
    if (have < 0 || have >= want)
        return;
    f = fopen("/proc/sys/vm/max_map_count", "w");
    if (f && fprintf(f, "%ld\n", want) > 0 && fclose(f) == 0)
        bench_note("vm.max_map_count raised from %ld to %ld", have, want);
    else if (f)
        fclose(f);
}
