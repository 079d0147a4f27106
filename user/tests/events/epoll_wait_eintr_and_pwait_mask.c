/* A signal handler interrupts epoll_wait with EINTR even with SA_RESTART
 * (Linux never restarts it); epoll_pwait with a mask that blocks the
 * signal is not interrupted and returns at its timeout, the signal staying
 * pending until the old mask returns. */
#include <signal.h>
#include <sys/time.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "t.h"

static volatile int handled;
static void on_alarm(int sig)
{
    (void)sig;
    handled++;
}

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGALRM, &sa, NULL));
    int ep = epoll_create1(0);
    CHECK_OK(ep);
    struct epoll_event out[1];

    struct itimerval it = {.it_value = {0, 50000}};
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    CHECK_ERR(epoll_wait(ep, out, 1, 5000), EINTR);
    CHECK_EQ(handled, 1);

    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    CHECK_EQ(epoll_pwait(ep, out, 1, 300, &block), 0);
    /* Delivered once epoll_pwait put the old mask back. */
    CHECK_EQ(handled, 2);
    PASS();
}
