/* SCM_RIGHTS carries 200 descriptors in one message (Linux's limit is 253):
 * the receiver gets 200 new fds (close-on-exec with MSG_CMSG_CLOEXEC), each
 * the same open file as the one sent (a byte written through it comes out
 * of the pipe it was the write end of). The sender may close its copies
 * while they are in flight. */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "t.h"

#define N 200

int main(void)
{
    int sv[2], rd[N], wr[N];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    for (int i = 0; i < N; i++) {
        int p[2];
        CHECK_OK(pipe(p));
        rd[i] = p[0];
        wr[i] = p[1];
    }
    char space[CMSG_SPACE(sizeof(int) * N)];
    memset(space, 0, sizeof space);
    char data = 'd';
    struct iovec iov = {&data, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space, .msg_controllen = sizeof space};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * N);
    memcpy(CMSG_DATA(c), wr, sizeof(int) * N);
    CHECK_EQ(sendmsg(sv[0], &m, 0), 1);
    for (int i = 0; i < N; i++)
        CHECK_OK(close(wr[i])); /* in flight: still open */

    char rspace[CMSG_SPACE(sizeof(int) * N)];
    struct msghdr r = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = rspace, .msg_controllen = sizeof rspace};
    data = 0;
    CHECK_EQ(recvmsg(sv[1], &r, MSG_CMSG_CLOEXEC), 1);
    CHECK_EQ(data, 'd');
    CHECK_EQ(r.msg_flags & MSG_CTRUNC, 0);
    c = CMSG_FIRSTHDR(&r);
    CHECK(c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS);
    CHECK_EQ(c->cmsg_len, CMSG_LEN(sizeof(int) * N));
    int got[N];
    memcpy(got, CMSG_DATA(c), sizeof got);
    for (int i = 0; i < N; i++) {
        CHECK(fcntl(got[i], F_GETFD) & FD_CLOEXEC);
        char b = (char)i;
        CHECK_EQ(write(got[i], &b, 1), 1);
        char back;
        CHECK_EQ(read(rd[i], &back, 1), 1);
        CHECK_EQ(back, (char)i);
    }
    PASS();
}
