/* dup2: the new fd refers to the same open file (shared offset); an open
 * target is closed first; dup2(fd, fd) returns fd; FD_CLOEXEC is not copied;
 * a bad old fd is EBADF and leaves the target open; a negative or huge new
 * fd is EBADF. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    int p[2], q[2];
    CHECK_OK(pipe2(p, O_CLOEXEC));
    CHECK_OK(pipe(q));
    CHECK_EQ(dup2(p[1], 100), 100);
    CHECK_EQ(fcntl(100, F_GETFD), 0);
    CHECK_EQ(write(100, "a", 1), 1);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, 'a');
    /* Replacing an open fd: 100 now is q's write end. */
    CHECK_EQ(dup2(q[1], 100), 100);
    CHECK_EQ(write(100, "b", 1), 1);
    CHECK_EQ(read(q[0], &c, 1), 1);
    CHECK_EQ(c, 'b');
    CHECK_EQ(dup2(100, 100), 100);
    CHECK_ERR(dup2(999, 100), EBADF);
    CHECK_EQ(fcntl(100, F_GETFD), 0); /* still open */
    CHECK_ERR(dup2(p[0], -1), EBADF);
    CHECK_ERR(dup2(p[0], 1 << 30), EBADF);
    CHECK_ERR(dup2(-1, -1), EBADF);
    CHECK_OK(close(100));
    CHECK_ERR(close(100), EBADF);
    /* dup returns the lowest free fd. */
    int lowest = dup(p[0]);
    CHECK(lowest >= 0);
    CHECK_OK(close(lowest));
    CHECK_EQ(dup(p[0]), lowest);
    PASS();
}
