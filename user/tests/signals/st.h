/* Helpers shared by the signal tests. Not a test: only .c files are built.
 * Include it first. */
#ifndef WEFT_ST_H
#define WEFT_ST_H

#include "t.h"
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

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

static inline int tgkill_(pid_t tgid, pid_t tid, int sig)
{
    return (int)syscall(SYS_tgkill, tgid, tid, sig);
}

/* Installs a SA_SIGINFO handler (plus `flags`); fails the test on error. */
static inline void on_siginfo(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(sig, &sa, 0));
}

/* Installs a plain handler (or SIG_IGN / SIG_DFL) with `flags`. */
static inline void on_signal(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(sig, &sa, 0));
}

static inline void block(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    CHECK_PT(pthread_sigmask(SIG_BLOCK, &s, 0));
}

static inline void unblock(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    CHECK_PT(pthread_sigmask(SIG_UNBLOCK, &s, 0));
}

static inline int is_blocked(int sig)
{
    sigset_t s;
    pthread_sigmask(SIG_BLOCK, 0, &s);
    return sigismember(&s, sig);
}

/* Waits for `pid` and returns its raw wait status. */
static inline int wait_for(pid_t pid)
{
    int st;
    pid_t r;
    while ((r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
        ;
    CHECK_EQ(r, pid);
    return st;
}

/* Checks that the status is "killed by signal `sig`". */
#define CHECK_KILLED_BY(st, sig)                                             \
    do {                                                                     \
        int _st = (st);                                                      \
        if (!WIFSIGNALED(_st) || WTERMSIG(_st) != (sig))                     \
            FAIL("status 0x%x: expected death by signal %d, got %s %d",     \
                 _st, (sig), WIFSIGNALED(_st) ? "signal" : "exit",           \
                 WIFSIGNALED(_st) ? WTERMSIG(_st) : WEXITSTATUS(_st));       \
    } while (0)

/* Checks that the status is "exited with `code`". */
#define CHECK_EXITED(st, code)                                               \
    do {                                                                     \
        int _st = (st);                                                      \
        if (!WIFEXITED(_st) || WEXITSTATUS(_st) != (code))                   \
            FAIL("status 0x%x: expected exit %d, got %s %d", _st, (code),   \
                 WIFEXITED(_st) ? "exit" : "signal",                         \
                 WIFEXITED(_st) ? WEXITSTATUS(_st) : WTERMSIG(_st));         \
    } while (0)

/* The path to re-execute this program: argv[0] when it contains a '/',
 * otherwise where the initramfs installs it (`installed`). */
static inline char *self_path(char *argv0, char *installed)
{
    return strchr(argv0, '/') ? argv0 : installed;
}

#endif
