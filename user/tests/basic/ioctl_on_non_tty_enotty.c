/* Terminal ioctls on a pipe, a regular file and /dev/null fail with ENOTTY
 * (isatty returns 0), and FIONREAD on a pipe reports the queued bytes. */
#include "t.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    struct winsize ws;
    struct termios t;
    CHECK_ERR(ioctl(p[0], TIOCGWINSZ, &ws), ENOTTY);
    CHECK_ERR(ioctl(p[0], TCGETS, &t), ENOTTY);
    CHECK(!isatty(p[0]));
    int n = -1;
    CHECK_OK(ioctl(p[0], FIONREAD, &n));
    CHECK_EQ(n, 0);
    CHECK_EQ(write(p[1], "abcde", 5), 5);
    CHECK_OK(ioctl(p[0], FIONREAD, &n));
    CHECK_EQ(n, 5);
    int fd = open("/dev/null", O_RDONLY);
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-ioctl-%d", getpid());
    int f = open(path, O_RDWR | O_CREAT, 0600);
    CHECK(f >= 0);
    CHECK_ERR(ioctl(f, TIOCGWINSZ, &ws), ENOTTY);
    CHECK_ERR(ioctl(999, TIOCGWINSZ, &ws), EBADF);
    unlink(path);
    PASS();
}
