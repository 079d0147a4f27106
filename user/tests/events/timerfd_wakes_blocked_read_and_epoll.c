/* A blocking read of a timerfd sleeps until the expiry and returns 1; an
 * epoll registration of a timerfd reports EPOLLIN when it expires. */
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(void)
{
    int fd = timerfd_create(CLOCK_BOOTTIME, 0);
    CHECK_OK(fd);
    struct itimerspec s = {.it_value = {0, 50000000}};
    CHECK_OK(timerfd_settime(fd, 0, &s, NULL));
    long long t0 = now_ms();
    uint64_t n = 0;
    CHECK_EQ(read(fd, &n, 8), 8);
    CHECK_EQ(n, 1);
    CHECK(now_ms() - t0 >= 49);

    int ep = epoll_create1(0);
    CHECK_OK(ep);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 3};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
    struct epoll_event out[1];
    CHECK_EQ(epoll_wait(ep, out, 1, 0), 0);
    CHECK_OK(timerfd_settime(fd, 0, &s, NULL));
    t0 = now_ms();
    CHECK_EQ(epoll_wait(ep, out, 1, 2000), 1);
    CHECK_EQ(out[0].data.u32, 3);
    CHECK(now_ms() - t0 >= 49);
    PASS();
}
