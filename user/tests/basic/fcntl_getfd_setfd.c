/* F_GETFD/F_SETFD read and set FD_CLOEXEC per descriptor: a dup of the same
 * file keeps its own flag. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    int fd = open("/dev/null", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    int d = dup(fd);
    CHECK(d >= 0);
    CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(d, F_GETFD), 0);
    CHECK_OK(fcntl(fd, F_SETFD, 0));
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    int c = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK(c >= 0);
    CHECK_EQ(fcntl(c, F_GETFD), FD_CLOEXEC);
    CHECK_ERR(fcntl(999, F_GETFD), EBADF);
    CHECK_ERR(fcntl(999, F_SETFD, 0), EBADF);
    CHECK_ERR(fcntl(-1, F_GETFD), EBADF);
    PASS();
}
