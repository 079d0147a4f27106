/* An epoll fd is itself pollable: an outer epoll (and poll(2)) sees the
 * inner one become readable when one of its files does. */
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    int outer = epoll_create1(0), inner = epoll_create1(0);
    int efd = eventfd(0, 0);
    CHECK(outer >= 0 && inner >= 0 && efd >= 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 1};
    CHECK_OK(epoll_ctl(inner, EPOLL_CTL_ADD, efd, &ev));
    ev.data.u32 = 2;
    CHECK_OK(epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev));
    struct epoll_event out[2];
    CHECK_EQ(epoll_wait(outer, out, 2, 0), 0);
    struct pollfd pfd = {.fd = inner, .events = POLLIN};
    CHECK_EQ(poll(&pfd, 1, 0), 0);
    uint64_t one = 1;
    CHECK_EQ(write(efd, &one, 8), 8);
    CHECK_EQ(epoll_wait(outer, out, 2, 1000), 1);
    CHECK_EQ(out[0].data.u32, 2);
    CHECK_EQ(poll(&pfd, 1, 0), 1);
    CHECK_EQ(pfd.revents, POLLIN);
    CHECK_EQ(epoll_wait(inner, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 1);
    PASS();
}
