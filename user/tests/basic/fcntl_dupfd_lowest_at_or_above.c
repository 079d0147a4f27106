/* fcntl F_DUPFD returns the lowest free fd >= arg, without FD_CLOEXEC;
 * F_DUPFD_CLOEXEC sets it. A negative arg is EINVAL; an arg beyond
 * RLIMIT_NOFILE is EINVAL. */
#include "t.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe2(p, O_CLOEXEC));
    CHECK_EQ(fcntl(p[0], F_DUPFD, 20), 20);
    CHECK_EQ(fcntl(p[0], F_DUPFD, 20), 21);
    CHECK_EQ(fcntl(20, F_GETFD), 0);
    CHECK_OK(close(20));
    CHECK_EQ(fcntl(p[0], F_DUPFD, 20), 20);
    CHECK_EQ(fcntl(p[0], F_DUPFD_CLOEXEC, 30), 30);
    CHECK_EQ(fcntl(30, F_GETFD), FD_CLOEXEC);
    CHECK_ERR(fcntl(p[0], F_DUPFD, -1), EINVAL);
    struct rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
    CHECK_ERR(fcntl(p[0], F_DUPFD, (int)rl.rlim_cur), EINVAL);
    CHECK_ERR(fcntl(999, F_DUPFD, 0), EBADF);
    /* The duplicate shares the pipe. */
    CHECK_EQ(write(p[1], "q", 1), 1);
    char c;
    CHECK_EQ(read(30, &c, 1), 1);
    CHECK_EQ(c, 'q');
    PASS();
}
