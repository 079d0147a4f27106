/* F_GETFL reports the access mode and status flags; F_SETFL changes
 * O_NONBLOCK and O_APPEND but not the access mode; the flags belong to the
 * open file, so a dup sees the change. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-getfl-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    int fl = fcntl(fd, F_GETFL);
    CHECK(fl >= 0);
    CHECK_EQ(fl & O_ACCMODE, O_RDWR);
    CHECK_EQ(fl & (O_NONBLOCK | O_APPEND), 0);
    int d = dup(fd);
    CHECK_OK(fcntl(fd, F_SETFL, fl | O_NONBLOCK | O_APPEND));
    CHECK_EQ(fcntl(d, F_GETFL) & (O_NONBLOCK | O_APPEND), O_NONBLOCK | O_APPEND);
    /* The access mode cannot change. */
    CHECK_OK(fcntl(fd, F_SETFL, O_RDONLY));
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_NONBLOCK | O_APPEND), 0);
    close(fd);
    close(d);

    fd = open(path, O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND), O_WRONLY | O_APPEND);
    close(fd);
    fd = open(path, O_RDONLY);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
    close(fd);

    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    CHECK_ERR(fcntl(999, F_GETFL), EBADF);
    unlink(path);
    PASS();
}
