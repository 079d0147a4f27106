/* signalfd: blocked signals of its mask are read as signalfd_siginfo
 * instead of running a handler: kill's sender pid and sigqueue's value come
 * through; a non-blocking read with nothing pending is EAGAIN; poll sees
 * POLLIN while one is pending; signalfd(fd, ...) on an existing signalfd
 * replaces its mask; a bad size or flags is EINVAL. */
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "t.h"

static volatile int handled;
static void handler(int sig)
{
    (void)sig;
    handled++;
}

int main(void)
{
    signal(SIGUSR1, handler);
    signal(SIGUSR2, handler);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    CHECK_OK(sigprocmask(SIG_BLOCK, &mask, NULL));
    int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK_OK(fd);
    struct signalfd_siginfo si[2];
    CHECK_ERR(read(fd, si, sizeof si), EAGAIN);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    CHECK_EQ(poll(&p, 1, 0), 0);

    CHECK_OK(kill(getpid(), SIGUSR1));
    union sigval v = {.sival_int = 77};
    CHECK_OK(sigqueue(getpid(), SIGUSR2, v));
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(read(fd, si, sizeof si), 2 * (long)sizeof si[0]);
    CHECK_EQ(si[0].ssi_signo, SIGUSR1);
    CHECK_EQ(si[0].ssi_pid, getpid());
    CHECK_EQ(si[0].ssi_code, SI_USER);
    CHECK_EQ(si[1].ssi_signo, SIGUSR2);
    CHECK_EQ(si[1].ssi_code, SI_QUEUE);
    CHECK_EQ(si[1].ssi_int, 77);
    CHECK_EQ(handled, 0);
    CHECK_ERR(read(fd, si, sizeof si[0] - 1), EINVAL);

    sigset_t only1;
    sigemptyset(&only1);
    sigaddset(&only1, SIGUSR1);
    CHECK_EQ(signalfd(fd, &only1, 0), fd);
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_ERR(read(fd, si, sizeof si), EAGAIN); /* SIGUSR2 left the mask */

    CHECK_ERR(syscall(SYS_signalfd4, -1, &mask, 4, 0), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd4, -1, &mask, 8, 0x40), EINVAL);
    int pipefd[2];
    CHECK_OK(pipe(pipefd));
    CHECK_ERR(signalfd(pipefd[0], &mask, 0), EINVAL);
    PASS();
}
