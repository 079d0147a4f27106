/* Helpers shared by the thread tests (raw syscalls, futex, clocks).
 * Not a test: only .c files are built. Include it first. */
#ifndef WEFT_TT_H
#define WEFT_TT_H

#include "t.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffff

#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_ARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5
#define FUTEX_OP(op, oparg, cmp, cmparg) \
    ((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif

/* struct clone_args of clone3(2), CLONE_ARGS_SIZE_VER2 = 88 bytes. */
struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
        stack_size, tls, set_tid, set_tid_size, cgroup;
};

static inline long futex(volatile int *uaddr, int op, int val,
                         const struct timespec *ts, volatile int *uaddr2, int val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

/* futex_waitv(2) (Linux 5.16+, syscall 449); musl has no wrapper. */
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_PRIVATE FUTEX_PRIVATE_FLAG
#define FUTEX_WAITV_MAX 128

struct futex_waitv {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t __reserved;
};

static inline void waitv_set(struct futex_waitv *w, volatile int *word, uint32_t val, uint32_t flags)
{
    w->val = val;
    w->uaddr = (uintptr_t)word;
    w->flags = flags;
    w->__reserved = 0;
}

static inline long futex_waitv(struct futex_waitv *w, unsigned nr, unsigned flags,
                               const struct timespec *ts, clockid_t clk)
{
    return syscall(SYS_futex_waitv, w, nr, flags, ts, clk);
}

/* A system call that touches neither errno nor TLS: usable in clone()
 * children that share the parent's thread pointer or have a fake one.
 * Returns -errno on failure. */
static inline long rsys(long n, long a, long b, long c, long d, long e, long f)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline __attribute__((noreturn)) void rexit(int code)
{
    for (;;)
        rsys(SYS_exit, code, 0, 0, 0, 0, 0);
}

static inline void rsleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (rsys(SYS_nanosleep, (long)&ts, (long)&ts, 0, 0, 0, 0) == -EINTR)
        ;
}

static inline long long now_ns(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static inline pid_t gettid_(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* A stack for clone() children: returns its top. */
static inline void *child_stack(size_t size)
{
    char *p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    return p + size;
}

/* Burns CPU until this thread has used `ns` of CPU time (or, should the
 * thread CPU clock not advance, until 20 x ns + 2 s of wall time). */
static inline void burn_cpu_ns(long long ns)
{
    long long end = now_ns(CLOCK_THREAD_CPUTIME_ID) + ns;
    long long wall_end = now_ns(CLOCK_MONOTONIC) + 20 * ns + 2000000000LL;
    volatile unsigned long x = 0;
    while (now_ns(CLOCK_THREAD_CPUTIME_ID) < end && now_ns(CLOCK_MONOTONIC) < wall_end)
        for (int i = 0; i < 1000; i++)
            x += i;
}

static inline long long tv_ns(struct timeval tv)
{
    return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

/* Waits until *word becomes 0 (a CLONE_CHILD_CLEARTID word). */
static inline void wait_tid_clear(volatile int *word)
{
    int v;
    while ((v = *word) != 0)
        futex(word, FUTEX_WAIT, v, 0, 0, 0);
}

/* The path to re-execute this program: argv[0] when it contains a '/',
 * otherwise where the initramfs installs it (`installed`). */
static inline char *self_path(char *argv0, char *installed)
{
    return strchr(argv0, '/') ? argv0 : installed;
}

#endif
