/* A message queue descriptor is pollable: POLLOUT while there is room,
 * POLLIN while a message is queued; select and epoll see the same, and an
 * epoll_wait blocked on an empty queue wakes when another thread sends.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

static mqd_t q;

static void *sender(void *arg)
{
    (void)arg;
    usleep(50000);
    if (mq_send(q, "late", 4, 2) != 0)
        return (void *)1;
    return NULL;
}

static short revents(void)
{
    struct pollfd p = { .fd = q, .events = POLLIN | POLLOUT };
    CHECK(poll(&p, 1, 0) >= 0);
    return p.revents;
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/weft-mq-poll-%d", getpid());
    struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 8 };
    q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_unlink(name));

    CHECK_EQ(revents(), POLLOUT);
    CHECK_OK(mq_send(q, "a", 1, 0));
    CHECK_EQ(revents(), POLLIN | POLLOUT);
    CHECK_OK(mq_send(q, "b", 1, 0));
    CHECK_EQ(revents(), POLLIN);

    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(q, &r);
    FD_SET(q, &w);
    struct timeval zero = { 0, 0 };
    CHECK_EQ(select(q + 1, &r, &w, NULL, &zero), 1);
    CHECK(FD_ISSET(q, &r) && !FD_ISSET(q, &w));

    char buf[8];
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 1);
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 1);
    CHECK_EQ(revents(), POLLOUT);

    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 77 };
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev));
    struct epoll_event out;
    CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, sender, NULL));
    CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
    CHECK_EQ(out.data.u32, 77);
    CHECK(out.events & EPOLLIN);
    void *ret;
    CHECK_PT(pthread_join(t, &ret));
    CHECK(ret == NULL);
    unsigned prio;
    CHECK_EQ(mq_receive(q, buf, sizeof buf, &prio), 4);
    CHECK_EQ(prio, 2);
    CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
    close(ep);
    CHECK_OK(mq_close(q));
    PASS();
}
