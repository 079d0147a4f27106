/* EPOLLET: a readable pipe is reported once per change, not while it
 * stays readable; a new write is a new edge even if the old data is still
 * there. */
#include <sys/epoll.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK_OK(ep);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = p[0]};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    struct epoll_event out[2];
    CHECK_EQ(write(p[1], "a", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].data.fd, p[0]);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0); /* still readable, no new edge */
    CHECK_EQ(write(p[1], "b", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    PASS();
}
