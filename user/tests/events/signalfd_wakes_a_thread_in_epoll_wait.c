/* A thread blocked in epoll_wait on a signalfd wakes when a signal of the
 * mask is sent to the process (blocked in every thread), and reads it. */
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "t.h"

static int ep, sfd;

static void *waiter(void *arg)
{
    (void)arg;
    struct epoll_event out[1];
    if (epoll_wait(ep, out, 1, 5000) != 1)
        return NULL;
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof si) != sizeof si)
        return NULL;
    return (void *)(long)si.ssi_signo;
}

int main(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &mask, NULL)); /* inherited by the thread */
    sfd = signalfd(-1, &mask, SFD_NONBLOCK);
    ep = epoll_create1(0);
    CHECK(sfd >= 0 && ep >= 0);
    struct epoll_event ev = {.events = EPOLLIN};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev));
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, waiter, NULL));
    usleep(50000);
    CHECK_OK(kill(getpid(), SIGUSR1));
    void *got;
    CHECK_PT(pthread_join(t, &got));
    CHECK_EQ((long)got, SIGUSR1);
    PASS();
}
