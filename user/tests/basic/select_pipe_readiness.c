/* select on a pipe: times out (returns 0, clears the sets) when nothing is
 * ready, reports the read end after a write and the write end as writable;
 * pselect too; nfds < 0 is EINVAL and a closed fd in a set is EBADF. */
#include "t.h"
#include <sys/select.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    fd_set r, w;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timeval tv = {0, 30000};
    CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, &tv), 0);
    CHECK(!FD_ISSET(p[0], &r));
    CHECK_EQ(write(p[1], "x", 1), 1);
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    int n = p[0] > p[1] ? p[0] : p[1];
    CHECK_EQ(select(n + 1, &r, &w, NULL, NULL), 2);
    CHECK(FD_ISSET(p[0], &r));
    CHECK(FD_ISSET(p[1], &w));
    struct timespec ts = {0, 0};
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_EQ(pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL), 1);
    CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
    int q[2];
    CHECK_OK(pipe(q));
    CHECK_OK(close(q[0]));
    FD_ZERO(&r);
    FD_SET(q[0], &r);
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    CHECK_ERR(select(q[0] + 1, &r, NULL, NULL, &tv), EBADF);
    PASS();
}
