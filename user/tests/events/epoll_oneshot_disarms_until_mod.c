/* EPOLLONESHOT: after one report the fd is disarmed (no more events, even
 * for new data) until EPOLL_CTL_MOD re-arms it; MOD of an fd that is not
 * registered is ENOENT. */
#include <sys/epoll.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    int ep = epoll_create(1);
    CHECK_OK(ep);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.u32 = 1};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    struct epoll_event out[2];
    CHECK_EQ(write(p[1], "a", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 1);
    CHECK_EQ(write(p[1], "b", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    ev.data.u32 = 2;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 2);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT);
    PASS();
}
