/* Level-triggered epoll (the default): a readable pipe is reported by every
 * epoll_wait until it is drained; with nothing ready, a zero timeout
 * returns 0 at once. The event carries the data given at EPOLL_CTL_ADD. */
#include <sys/epoll.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    int ep = epoll_create1(0);
    CHECK_OK(ep);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234567890abcdefULL};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    struct epoll_event out[4];
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
    CHECK_EQ(write(p[1], "ab", 2), 2);
    for (int i = 0; i < 3; i++) {
        memset(out, 0, sizeof out);
        CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
        CHECK_EQ(out[0].events, EPOLLIN);
        CHECK(out[0].data.u64 == 0x1234567890abcdefULL);
    }
    char buf[2];
    CHECK_EQ(read(p[0], buf, 2), 2);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
    /* The write end: writable, and EPOLLOUT only when asked for. */
    ev.events = EPOLLOUT;
    ev.data.fd = p[1];
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK_EQ(out[0].events, EPOLLOUT);
    CHECK_EQ(out[0].data.fd, p[1]);
    PASS();
}
