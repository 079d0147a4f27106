/* weft benchmark helpers: calibration, repetitions, reporting, watchdog.
 *
 * Every benchmark program prints exactly one result line on stdout:
 *
 *     BENCH <name> <iterations> <value>      value: ns per op (or the unit
 *                                            the benchmark documents)
 *     BENCH <name> n/a <reason>              unsupported or failed
 *
 * (cyclictest prints two rows, "BENCH cyclictest_max ..." and
 * "BENCH cyclictest_avg ...", or one "BENCH cyclictest n/a ..." for both;
 * xtask/src/bench.rs MULTI_ROW lists such programs.)
 *
 * Lines starting with "# " are information only (spread of repetitions,
 * notes). `cargo xtask bench` collects the BENCH lines; docs/bench.md says
 * what each benchmark measures.
 *
 * Options every program takes:
 *     -q      quick: one repetition with a tiny iteration count (smoke test)
 *
 * The programs are musl static binaries that must run unchanged on Linux
 * and on weft.
 */
#ifndef WEFT_BENCH_H
#define WEFT_BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seconds after which a benchmark program gives up on itself (the driver
 * bench_all kills it after BENCH_KILL_S anyway). The thread-count
 * benchmarks get the _LONG limits, threads_max the _SCALE ones. */
#define BENCH_WATCHDOG_S 55
#define BENCH_KILL_S 60
#define BENCH_WATCHDOG_LONG_S 115
#define BENCH_KILL_LONG_S 120
/* threads_max creates up to 200,000 threads (issue 15's scale goal). */
#define BENCH_WATCHDOG_SCALE_S 595
#define BENCH_KILL_SCALE_S 600

/* Target wall time of one repetition (including untimed setup), ns. */
#define BENCH_TARGET_NS 1000000000ull
/* Repetitions; the median is reported. */
#define BENCH_REPS 5

/* Set by bench_init from the command line. */
extern int bench_quick;

/* Parses the options, names the benchmark for error reports, arms the
 * watchdog, and makes stdout line-buffered. Call first. */
void bench_init(int argc, char **argv, const char *name);

/* Re-arms the in-process watchdog to fire `seconds` from now. */
void bench_watchdog(unsigned seconds);

/* The benchmark's name as given to bench_init. */
const char *bench_name(void);

/* Directory of argv[0] ("/bench" when argv[0] has none): where the other
 * benchmark programs and `true` live. */
const char *bench_dir(void);

/* Monotonic clock in ns. */
uint64_t now_ns(void);

/* One measurement: runs `n` operations and stores the time of the timed part
 * (the operations themselves, not the setup) in *timed_ns. Returns 0, or -1
 * after calling bench_fail() to say why. */
typedef int (*bench_body)(void *arg, uint64_t n, uint64_t *timed_ns);

/* Calibrates n so that one call of `body` takes about BENCH_TARGET_NS of wall
 * time, runs BENCH_REPS repetitions, prints the spread as a "# " line and
 * the BENCH line with the median ns/op, and exits the program (status 0, or
 * 1 after an n/a line). `ops_per_n` divides the time by n * ops_per_n (for
 * example 2 threads doing n operations each); `quick_n` is the n used with
 * -q; `granule` rounds n up to a multiple of itself. */
void bench_run(bench_body body, void *arg, uint64_t ops_per_n, uint64_t quick_n, uint64_t granule)
    __attribute__((noreturn));

/* Records why the current measurement failed (printf-style); the body then
 * returns -1. */
void bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "BENCH <name> n/a <reason>" and exits 1. */
void bench_na(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Prints "BENCH <name> <iterations> <value>" and exits 0. */
void bench_result(uint64_t iterations, double value) __attribute__((noreturn));

/* Prints an information line "# <name>: ...". */
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Raw futex calls (private). wait returns 0, or -1 with errno (EAGAIN when
 * *addr != val, EINTR). */
int futex_wait(volatile int *addr, int val);
int futex_wake(volatile int *addr, int count);

/* As root, raises vm.max_map_count to `want` if it is lower (a note says
 * so): every thread takes two mappings, its stack and its guard page, and
 * Linux's default of 65,530 stops a process near 32,000 threads. */
void bench_raise_max_map_count(long want);

/* A field of /proc/meminfo in KiB, or -1 (errno set) when unreadable. */
long meminfo_kb(const char *field);

/* Threads blocked in FUTEX_WAIT with small stacks, for the thread-count and
 * thread-memory benchmarks. */
struct parked {
    volatile int gate;    /* 0 while the threads must stay parked */
    volatile int started; /* threads that reached the wait */
    unsigned long count;  /* threads created */
    unsigned long cap;
    void *ids;            /* pthread_t[cap] */
    int error;            /* errno of the failed pthread_create, 0 if none */
    /* Optional: with mark_every > 0, marks[i] is now_ns() when thread
     * (i + 1) * mark_every had been created (marks[0..count / mark_every]);
     * `marks` has room for cap / mark_every entries, and on_mark (if set)
     * is called with i right after marks[i] is taken. */
    unsigned long mark_every;
    uint64_t *marks;
    void (*on_mark)(struct parked *p, unsigned long i);
};

/* Creates up to `cap` threads with `stack` bytes of stack that block in
 * FUTEX_WAIT until parked_release; stops at the first failure (recorded in
 * p->error). Returns when every created thread has started. */
void parked_create(struct parked *p, unsigned long cap, size_t stack);
/* Wakes and joins every parked thread. */
void parked_release(struct parked *p);

/* The contended-mutex benchmark (lib/contend.c): `threads` threads each
 * lock a shared pthread mutex, increment a counter and unlock, n times.
 * op = one lock/increment/unlock (elapsed / (threads * n)); the counter is
 * checked. Thread creation is not timed; the clock runs from releasing the
 * threads to joining the last. Does not return. */
void mutex_contended_main(int argc, char **argv, const char *name, int threads) __attribute__((noreturn));

/* External programs (lib/external.c): Debian's rt-tests binaries that
 * cargo xtask puts under /usr/bin in the bench initramfs. */

/* Runs argv[0] (an absolute path) with `argv` and PATH=/usr/bin:/bin,
 * reading its stdout and stderr (one pipe) into `out` (NUL-terminated,
 * truncated at `cap` - 1 bytes) until it exits; each output line is also
 * forwarded as a "# <name>: <line>" note for the serial log. Returns the
 * wait status, or -1 with errno when pipe/fork/waitpid failed. An execve
 * failure is exit status 127 with "cannot execute <path>: <error>" as the
 * output. */
int external_run(char *const argv[], char *out, size_t cap);

/* The last `lines` (at most 8) non-empty lines of `out`, trimmed and joined
 * with " / ", into `buf` (truncated at `cap` - 1 bytes): a failure reason. */
void external_tail(const char *out, int lines, char *buf, size_t cap);

/* Prints "BENCH <name> n/a failed: <how argv[0] ended>: <last output line>"
 * for a run that ended badly (status from external_run) or printed no
 * summary, and exits 1. */
void external_failed(const char *path, int status, const char *out, const char *what) __attribute__((noreturn));

#endif
