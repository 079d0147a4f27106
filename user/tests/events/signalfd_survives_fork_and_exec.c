/* A signalfd survives fork and exec as Linux's does: it reads the pending
 * signals of whichever thread reads it, so a forked child reads its own
 * signal (its pid as the sender) and not the parent's, and after exec the
 * descriptor (opened without SFD_CLOEXEC) and the blocked mask remain, and
 * the new image reads a signal sent to itself through it. */
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

/* In the exec'd image: fd is the inherited signalfd. */
static int after_exec(int fd)
{
    sigset_t blocked;
    sigprocmask(SIG_BLOCK, NULL, &blocked);
    if (!sigismember(&blocked, SIGUSR1))
        return 2;
    if (kill(getpid(), SIGUSR1) != 0)
        return 3;
    struct signalfd_siginfo si;
    if (read(fd, &si, sizeof si) != sizeof si)
        return 4;
    if (si.ssi_signo != SIGUSR1 || si.ssi_pid != (unsigned)getpid())
        return 5;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return after_exec(atoi(argv[1]));

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &mask, NULL));
    int fd = signalfd(-1, &mask, SFD_NONBLOCK);
    CHECK_OK(fd);

    pid_t child = fork();
    CHECK_OK(child);
    if (child == 0) {
        struct signalfd_siginfo si;
        if (read(fd, &si, sizeof si) != -1 || errno != EAGAIN)
            _exit(2); /* nothing pending for the child yet */
        kill(getpid(), SIGUSR1);
        if (read(fd, &si, sizeof si) != sizeof si)
            _exit(3);
        _exit(si.ssi_signo == SIGUSR1 && si.ssi_pid == (unsigned)getpid() ? 0 : 4);
    }
    int st;
    CHECK_EQ(waitpid(child, &st, 0), child);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    /* The child's signal was its own: the parent has none pending. */
    struct signalfd_siginfo si;
    CHECK_ERR(read(fd, &si, sizeof si), EAGAIN);

    child = fork();
    CHECK_OK(child);
    if (child == 0) {
        /* A blocking read in the new image: clear O_NONBLOCK is not
         * needed, the signal is pending before the read. */
        char arg[16];
        snprintf(arg, sizeof arg, "%d", fd);
        char *args[] = {argv[0], arg, NULL};
        execv(argv[0], args);
        _exit(99);
    }
    CHECK_EQ(waitpid(child, &st, 0), child);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
