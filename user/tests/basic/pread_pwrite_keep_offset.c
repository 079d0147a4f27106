/* pread and pwrite use the given offset and leave the file offset alone;
 * pwrite beyond the end extends the file; a negative offset is EINVAL; on a
 * pipe they are ESPIPE. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-pread-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
    char buf[8] = {0};
    CHECK_EQ(pread(fd, buf, 4, 5), 4);
    CHECK(!memcmp(buf, "5678", 4));
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 3);
    CHECK_EQ(pwrite(fd, "AB", 2, 1), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 3);
    CHECK_EQ(pread(fd, buf, 8, 8), 2);
    CHECK(!memcmp(buf, "89", 2));
    CHECK_EQ(pread(fd, buf, 8, 100), 0);
    CHECK_EQ(pwrite(fd, "Z", 1, 20), 1);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 21);
    CHECK_EQ(read(fd, buf, 3), 3);
    CHECK(!memcmp(buf, "345", 3));
    CHECK_EQ(pread(fd, buf, 3, 0), 3);
    CHECK(!memcmp(buf, "0AB", 3));
    CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
    CHECK_ERR(pwrite(fd, buf, 1, -1), EINVAL);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
    CHECK_ERR(pwrite(p[1], buf, 1, 0), ESPIPE);
    close(fd);
    unlink(path);
    PASS();
}
