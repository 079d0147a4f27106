/* The errors of epoll_create, epoll_ctl and epoll_wait, as Linux returns
 * them: EINVAL for a bad size, flags, op, maxevents, adding the epoll to
 * itself or using a non-epoll fd as epfd; EBADF for closed fds; EEXIST and
 * ENOENT; EPERM for a regular file (no poll support); EFAULT for a bad
 * event pointer or buffer; ELOOP for a loop of epolls. */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    /* Through syscall(2): musl's epoll_create does not pass size on. */
    CHECK_ERR(syscall(SYS_epoll_create, 0), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_create, -1), EINVAL);
    CHECK_ERR(epoll_create1(1), EINVAL);
    int ep = epoll_create1(0), p[2];
    CHECK_OK(ep);
    CHECK_OK(pipe(p));
    struct epoll_event ev = {.events = EPOLLIN};
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, 99, p[0], &ev), EINVAL);
    CHECK_ERR(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
    CHECK_ERR(epoll_ctl(999, EPOLL_CTL_ADD, p[0], &ev), EBADF);
    CHECK_ERR(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[0], (void *)8), EFAULT);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EINVAL);

    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-epoll-%d", getpid());
    int f = open(path, O_CREAT | O_RDWR, 0600);
    CHECK_OK(f);
    unlink(path);
    ev.events = EPOLLIN;
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM);

    struct epoll_event out[2];
    CHECK_ERR(epoll_wait(ep, out, 0, 0), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_wait, ep, out, -1, 0), EINVAL);
    CHECK_ERR(epoll_wait(p[0], out, 2, 0), EINVAL);
    CHECK_ERR(epoll_wait(999, out, 2, 0), EBADF);
    CHECK_ERR(syscall(SYS_epoll_wait, ep, (void *)0xffffffffffff0000ULL, 2, 0), EFAULT);

    /* A loop: ep watches ep2, ep2 may not watch ep. */
    int ep2 = epoll_create1(0);
    CHECK_OK(ep2);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev));
    CHECK_ERR(epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev), ELOOP);
    PASS();
}
