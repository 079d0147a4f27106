/* Data written to a file reads back identically, across sizes that cross
 * page boundaries; read at EOF returns 0. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-rw-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    static char buf[20000], back[20000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)(i * 31 + 7);
    CHECK_EQ(write(fd, buf, 1), 1);
    CHECK_EQ(write(fd, buf + 1, 4095), 4095);
    CHECK_EQ(write(fd, buf + 4096, sizeof buf - 4096), sizeof buf - 4096);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    size_t got = 0;
    while (got < sizeof back) {
        ssize_t n = read(fd, back + got, 3000);
        CHECK(n > 0);
        got += n;
    }
    CHECK(!memcmp(buf, back, sizeof buf));
    CHECK_EQ(read(fd, back, 10), 0);
    CHECK_EQ(read(fd, back, 0), 0);
    close(fd);
    unlink(path);
    PASS();
}
