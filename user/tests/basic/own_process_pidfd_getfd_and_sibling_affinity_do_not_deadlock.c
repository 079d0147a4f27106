/* pidfd_getfd on a pidfd of the caller's own process, and
 * sched_setaffinity on another thread of the caller's process, both
 * succeed on Linux (a process may always "ptrace" itself; a thread of the
 * same owner may set the affinity). Trinity found that weft took the same
 * credentials lock twice in both calls (the caller's, then the target's,
 * which is the same process): a spin with interrupts off that stopped both
 * CPUs. The calls must return, with Linux's results. */
#include "t.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static volatile int sibling_tid, done;

static void *sibling(void *arg)
{
    (void)arg;
    sibling_tid = syscall(SYS_gettid);
    while (!done)
        sched_yield();
    return NULL;
}

int main(void)
{
    int pidfd = syscall(SYS_pidfd_open, getpid(), 0);
    CHECK_OK(pidfd);
    int pipefd[2];
    CHECK_OK(pipe(pipefd));
    int copy = syscall(SYS_pidfd_getfd, pidfd, pipefd[1], 0);
    CHECK_OK(copy);
    CHECK(copy != pipefd[1] && copy != pidfd);
    CHECK_EQ(write(copy, "x", 1), 1);
    char c;
    CHECK_EQ(read(pipefd[0], &c, 1), 1);
    CHECK_EQ(c, 'x');
    CHECK(fcntl(copy, F_GETFD) & FD_CLOEXEC);   /* the new fd is close-on-exec */

    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, sibling, NULL), 0);
    while (!sibling_tid)
        sched_yield();
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    CHECK_OK(sched_setaffinity(sibling_tid, sizeof one, &one));
    cpu_set_t got;
    CHECK_OK(sched_getaffinity(sibling_tid, sizeof got, &got));
    CHECK(CPU_ISSET(0, &got));
    done = 1;
    CHECK_EQ(pthread_join(t, NULL), 0);
    PASS();
}
