/* socketpair(AF_UNIX): a stream pair runs writes together and reads end of
 * file once the peer closes; writing then is EPIPE with SIGPIPE (none with
 * MSG_NOSIGNAL); a datagram pair keeps message boundaries, MSG_PEEK leaves
 * the message queued, MSG_TRUNC reports its real length. */
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "t.h"

static volatile int pipes;
static void on_pipe(int sig)
{
    (void)sig;
    pipes++;
}

int main(void)
{
    signal(SIGPIPE, on_pipe);
    int s[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
    CHECK_EQ(write(s[0], "abc", 3), 3);
    CHECK_EQ(send(s[0], "de", 2, 0), 2);
    char buf[64];
    CHECK_EQ(read(s[1], buf, sizeof buf), 5);
    CHECK(memcmp(buf, "abcde", 5) == 0);
    CHECK_EQ(write(s[1], "z", 1), 1);
    CHECK_EQ(recv(s[0], buf, 1, 0), 1);
    CHECK_OK(close(s[1]));
    CHECK_EQ(read(s[0], buf, sizeof buf), 0);
    CHECK_ERR(write(s[0], "x", 1), EPIPE);
    CHECK_EQ(pipes, 1);
    CHECK_ERR(send(s[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ(pipes, 1);

    int d[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, d));
    CHECK_EQ(send(d[0], "one", 3, 0), 3);
    CHECK_EQ(send(d[0], "second", 6, 0), 6);
    CHECK_EQ(recv(d[1], buf, sizeof buf, MSG_PEEK), 3);
    CHECK_EQ(recv(d[1], buf, 2, MSG_TRUNC), 3); /* truncated to 2, real length 3 */
    CHECK(memcmp(buf, "on", 2) == 0);
    CHECK_EQ(recv(d[1], buf, sizeof buf, 0), 6);
    CHECK(memcmp(buf, "second", 6) == 0);
    CHECK_ERR(recv(d[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    PASS();
}
