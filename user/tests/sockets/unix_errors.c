/* The socket calls' errors: AF_INET is EAFNOSUPPORT here (no IP yet; on
 * Linux this test builds the same errors with an unsupported family), bad
 * type flags EINVAL, an unknown type ESOCKTNOSUPPORT, a protocol EPROTONOSUPPORT;
 * socket calls on a pipe ENOTSOCK; send on an unconnected stream ENOTCONN;
 * connecting twice EISCONN; listen on a datagram socket EOPNOTSUPP;
 * getpeername unconnected ENOTCONN; a bad address pointer EFAULT; an
 * address of the wrong family or length EINVAL. */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    CHECK_ERR(socket(AF_UNIX + 1000, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM | 0x10000, 0), EINVAL);
    CHECK_ERR(socket(AF_UNIX, 7, 0), ESOCKTNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 6), EPROTONOSUPPORT);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(listen(p[0], 1), ENOTSOCK);
    int s = socket(AF_UNIX, SOCK_STREAM, 0), d = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(s >= 0 && d >= 0);
    CHECK_ERR(send(s, "x", 1, MSG_NOSIGNAL), ENOTCONN);
    CHECK_ERR(listen(d, 1), EOPNOTSUPP);
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    CHECK_ERR(getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN);
    CHECK_ERR(syscall(SYS_bind, s, (void *)8, sizeof a), EFAULT);
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX + 1;
    CHECK_ERR(bind(s, (struct sockaddr *)&a, sizeof a), EINVAL);
    a.sun_family = AF_UNIX;
    CHECK_ERR(bind(s, (struct sockaddr *)&a, 1), EINVAL);
    int sp[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp));
    snprintf(a.sun_path, sizeof a.sun_path, "/tmp/weft-errs-%d", getpid());
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof a));
    CHECK_OK(listen(l, 1));
    CHECK_ERR(connect(sp[0], (struct sockaddr *)&a, sizeof a), EISCONN);
    CHECK_ERR(connect(d, (struct sockaddr *)&a, sizeof a), EPROTOTYPE);
    unlink(a.sun_path);
    PASS();
}
