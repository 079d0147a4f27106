/* With O_APPEND every write goes to the end of the file, wherever the offset
 * was moved, including writes through a second descriptor. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-append-%d", getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "abc", 3), 3);
    int ap = open(path, O_WRONLY | O_APPEND);
    CHECK(ap >= 0);
    CHECK_EQ(lseek(ap, 0, SEEK_SET), 0);
    CHECK_EQ(write(ap, "de", 2), 2);
    CHECK_EQ(lseek(ap, 0, SEEK_CUR), 5);
    CHECK_EQ(write(fd, "X", 1), 1); /* fd's offset is 3: overwrites 'd' */
    CHECK_EQ(write(ap, "f", 1), 1);
    close(fd);
    close(ap);
    fd = open(path, O_RDONLY);
    char buf[16] = {0};
    CHECK_EQ(read(fd, buf, sizeof buf), 6);
    if (strcmp(buf, "abcXef"))
        FAIL("file holds '%s', expected 'abcXef'", buf);
    close(fd);
    unlink(path);
    PASS();
}
