/* poll on a pipe: an empty read end is not readable (timeout returns 0 after
 * roughly the timeout), readable (POLLIN) after a write; the write end is
 * POLLOUT; after the writer closes, the read end reports POLLHUP; after the
 * reader closes, the write end reports POLLERR; a bad fd gives POLLNVAL;
 * negative fds are ignored. */
#include "t.h"
#include <poll.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    struct pollfd f[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    long long t0 = now_ms();
    CHECK_EQ(poll(f, 1, 50), 0);
    CHECK(now_ms() - t0 >= 45);
    CHECK_EQ(f[0].revents, 0);
    CHECK_EQ(poll(f, 2, 0), 1);
    CHECK_EQ(f[1].revents, POLLOUT);
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(poll(f, 2, -1), 2);
    CHECK_EQ(f[0].revents, POLLIN);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(poll(f, 1, 0), 0);

    struct pollfd bad[2] = {{999, POLLIN, 0}, {-1, POLLIN, 0}};
    CHECK_EQ(poll(bad, 2, 0), 1);
    CHECK_EQ(bad[0].revents, POLLNVAL);
    CHECK_EQ(bad[1].revents, 0);

    CHECK_OK(close(p[1]));
    CHECK_EQ(poll(f, 1, 0), 1);
    CHECK(f[0].revents & POLLHUP);

    int q[2];
    CHECK_OK(pipe(q));
    CHECK_OK(close(q[0]));
    struct pollfd w = {q[1], POLLOUT, 0};
    CHECK_EQ(poll(&w, 1, 0), 1);
    CHECK(w.revents & POLLERR);
    PASS();
}
