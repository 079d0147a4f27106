/* pidfd: pidfd_open of a child gives a close-on-exec fd that polls
 * readable only once the child has exited; pidfd_send_signal kills it;
 * waitid(P_PIDFD) reaps it; signalling it after the reap is ESRCH; bad
 * arguments are EINVAL, an unknown pid ESRCH, a non-pidfd EBADF. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#define SYS_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int main(void)
{
    CHECK_ERR(syscall(SYS_pidfd_open, -1, 0), EINVAL);
    CHECK_ERR(syscall(SYS_pidfd_open, getpid(), 1), EINVAL);
    CHECK_ERR(syscall(SYS_pidfd_open, 999999, 0), ESRCH);
    pid_t child = fork();
    CHECK_OK(child);
    if (child == 0) {
        for (;;)
            pause();
    }
    int pfd = syscall(SYS_pidfd_open, child, 0);
    CHECK_OK(pfd);
    CHECK(fcntl(pfd, F_GETFD) & FD_CLOEXEC);
    struct pollfd p = {.fd = pfd, .events = POLLIN};
    CHECK_EQ(poll(&p, 1, 50), 0);
    CHECK_ERR(syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0x100), EINVAL);
    CHECK_OK(syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0));
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK(p.revents & POLLIN);
    siginfo_t info = {0};
    CHECK_OK(waitid(P_PIDFD, pfd, &info, WEXITED));
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_code, CLD_KILLED);
    CHECK_EQ(info.si_status, SIGTERM);
    CHECK_ERR(syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0), ESRCH);
    int pp[2];
    CHECK_OK(pipe(pp));
    CHECK_ERR(syscall(SYS_pidfd_send_signal, pp[0], SIGTERM, NULL, 0), EBADF);
    PASS();
}
