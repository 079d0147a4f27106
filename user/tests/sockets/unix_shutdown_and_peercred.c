/* shutdown(SHUT_WR) is end of file for the peer while the other direction
 * keeps working, and EPIPE for further writes; poll reports POLLRDHUP to
 * the peer. SO_PEERCRED names the peer's pid and uid; with SO_PASSCRED a
 * datagram comes with SCM_CREDENTIALS. SO_TYPE reports the type. */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    int s[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
    CHECK_EQ(write(s[0], "bye", 3), 3);
    CHECK_OK(shutdown(s[0], SHUT_WR));
    CHECK_ERR(send(s[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    struct pollfd p = {.fd = s[1], .events = POLLIN | POLLRDHUP};
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK(p.revents & POLLRDHUP);
    char buf[8];
    CHECK_EQ(read(s[1], buf, 8), 3);
    CHECK_EQ(read(s[1], buf, 8), 0);
    CHECK_EQ(write(s[1], "ok", 2), 2);
    CHECK_EQ(read(s[0], buf, 8), 2);
    CHECK_ERR(shutdown(s[0], 9), EINVAL);

    struct ucred cr;
    socklen_t len = sizeof cr;
    CHECK_OK(getsockopt(s[0], SOL_SOCKET, SO_PEERCRED, &cr, &len));
    CHECK_EQ(len, sizeof cr);
    CHECK_EQ(cr.pid, getpid());
    CHECK_EQ(cr.uid, getuid());
    int type;
    len = sizeof type;
    CHECK_OK(getsockopt(s[0], SOL_SOCKET, SO_TYPE, &type, &len));
    CHECK_EQ(type, SOCK_STREAM);

    int d[2], on = 1;
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, d));
    CHECK_OK(setsockopt(d[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    CHECK_EQ(send(d[0], "c", 1, 0), 1);
    char space[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space, .msg_controllen = sizeof space};
    CHECK_EQ(recvmsg(d[1], &m, 0), 1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    CHECK(c != NULL && c->cmsg_type == SCM_CREDENTIALS);
    struct ucred got;
    memcpy(&got, CMSG_DATA(c), sizeof got);
    CHECK_EQ(got.pid, getpid());
    CHECK_EQ(got.uid, getuid());
    PASS();
}
