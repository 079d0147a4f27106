/* A unix socket sent over SCM_RIGHTS into its own queue and then closed is
 * unreachable: the kernel's garbage collection frees it. After 2,000 such
 * rings (each a socketpair whose second end travels to itself, then both
 * fds closed) /proc/net/unix lists no more sockets than before; without
 * collection it would list 2,000 more.
 *
 * weft-only: on Linux other programs' sockets come and go in the list. */
#include <sys/socket.h>
#include <unistd.h>

#include "t.h"

static int unix_sockets(void)
{
    FILE *f = fopen("/proc/net/unix", "r");
    CHECK(f != NULL);
    int lines = 0, c;
    while ((c = fgetc(f)) != EOF)
        lines += c == '\n';
    fclose(f);
    return lines - 1; /* the header */
}

static void ring(void)
{
    int s[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
    char space[CMSG_SPACE(sizeof(int))];
    memset(space, 0, sizeof space);
    char byte = 'r';
    struct iovec iov = {&byte, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space, .msg_controllen = sizeof space};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &s[1], sizeof(int));
    CHECK_EQ(sendmsg(s[0], &m, 0), 1); /* s[1] now sits in its own queue */
    CHECK_OK(close(s[1]));
    CHECK_OK(close(s[0]));
}

int main(void)
{
    int before = unix_sockets();
    for (int i = 0; i < 2000; i++)
        ring();
    int after = unix_sockets();
    if (after - before > 10)
        FAIL("%d unix sockets before 2000 closed rings, %d after", before, after);
    PASS();
}
