/* lseek: SEEK_SET/SEEK_CUR/SEEK_END compute the new offset; seeking past
 * the end is allowed; a resulting negative offset or a bad whence is
 * EINVAL. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-lseek-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "abcdefghij", 10), 10);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
    CHECK_EQ(lseek(fd, 4, SEEK_SET), 4);
    CHECK_EQ(lseek(fd, 2, SEEK_CUR), 6);
    CHECK_EQ(lseek(fd, -3, SEEK_CUR), 3);
    char c;
    CHECK_EQ(read(fd, &c, 1), 1);
    CHECK_EQ(c, 'd');
    CHECK_EQ(lseek(fd, 0, SEEK_END), 10);
    CHECK_EQ(lseek(fd, -1, SEEK_END), 9);
    CHECK_EQ(read(fd, &c, 1), 1);
    CHECK_EQ(c, 'j');
    CHECK_EQ(lseek(fd, 100, SEEK_END), 110);
    CHECK_EQ(lseek(fd, 1000, SEEK_SET), 1000);
    CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, -11, SEEK_END), EINVAL);
    CHECK_ERR(lseek(fd, 0, 42), EINVAL);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 1000); /* failures leave it alone */
    close(fd);
    unlink(path);
    PASS();
}
