/* CLONE_PIDFD returns a pidfd for the child through clone's parent_tid
 * pointer (CLONE_PARENT_SETTID with it is EINVAL); pidfd_getfd duplicates
 * one of the child's fds into the caller: what the caller writes to it
 * reaches the child's pipe. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

#ifndef CLONE_PARENT_SETTID
#define CLONE_PARENT_SETTID 0x00100000
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    int pidfd = -1;
    CHECK_ERR(syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &pidfd, 0, 0), EINVAL);
    long child = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd, 0, 0);
    CHECK_OK(child);
    if (child == 0) {
        dup2(p[1], 100);
        char c = 'r';
        write(p[1], &c, 1); /* ready */
        for (;;)
            pause();
    }
    CHECK(pidfd >= 0);
    close(p[1]);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    int theirs = syscall(SYS_pidfd_getfd, pidfd, 100, 0);
    CHECK_OK(theirs);
    CHECK_EQ(write(theirs, "x", 1), 1);
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, 'x');
    CHECK_ERR(syscall(SYS_pidfd_getfd, pidfd, 555, 0), EBADF);
    CHECK_ERR(syscall(SYS_pidfd_getfd, pidfd, 100, 1), EINVAL);
    CHECK_OK(kill(child, SIGKILL));
    CHECK_EQ(waitpid(child, NULL, 0), child);
    PASS();
}
