/* Closing the last descriptor of a file removes it from the interest list
 * (its events stop); while a dup of it stays open, the registration lives
 * on and keeps reporting, under the data it was added with (Linux keys the
 * registration by the open file, not the fd number). */
#include <sys/epoll.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    int ep = epoll_create1(0), p[2], q[2];
    CHECK_OK(ep);
    CHECK_OK(pipe(p));
    CHECK_OK(pipe(q));
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    ev.data.u32 = 8;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev));
    int copy = dup(q[0]);
    CHECK_OK(copy);
    CHECK_EQ(write(p[1], "a", 1), 1);
    CHECK_EQ(write(q[1], "a", 1), 1);
    CHECK_OK(close(p[0])); /* last reference: gone */
    CHECK_OK(close(q[0])); /* the dup keeps the file open */
    struct epoll_event out[4];
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK_EQ(out[0].data.u32, 8);
    /* The fd number is free again and may be added anew. */
    int r = dup2(p[1], p[0]);
    CHECK_EQ(r, p[0]);
    ev.events = EPOLLOUT;
    ev.data.u32 = 9;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    PASS();
}
