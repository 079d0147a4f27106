/* epoll_wait blocks: a thread waiting forever wakes when another writes to
 * a watched eventfd; a finite timeout with nothing ready returns 0 after at
 * least that long. */
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

static int ep, efd;

static void *waiter(void *arg)
{
    (void)arg;
    struct epoll_event out[1];
    int n = epoll_wait(ep, out, 1, -1);
    return (void *)(long)(n == 1 && out[0].data.u32 == 5);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(void)
{
    ep = epoll_create1(0);
    efd = eventfd(0, EFD_NONBLOCK);
    CHECK(ep >= 0 && efd >= 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 5};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));

    long long t0 = now_ms();
    struct epoll_event out[1];
    CHECK_EQ(epoll_wait(ep, out, 1, 100), 0);
    CHECK(now_ms() - t0 >= 100);

    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, waiter, NULL));
    usleep(50000);
    uint64_t one = 1;
    CHECK_EQ(write(efd, &one, 8), 8);
    void *ok;
    CHECK_PT(pthread_join(t, &ok));
    CHECK(ok == (void *)1);
    PASS();
}
