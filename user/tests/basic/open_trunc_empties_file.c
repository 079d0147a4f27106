/* O_TRUNC on an existing file opened for writing empties it; opening
 * without O_TRUNC keeps the contents. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-trunc-%d", getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "some data", 9), 9);
    close(fd);
    struct stat st;
    fd = open(path, O_WRONLY);
    CHECK(fd >= 0);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 9);
    close(fd);
    fd = open(path, O_WRONLY | O_TRUNC);
    CHECK(fd >= 0);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 0);
    CHECK_EQ(write(fd, "ab", 2), 2);
    close(fd);
    fd = open(path, O_RDONLY);
    char buf[16];
    CHECK_EQ(read(fd, buf, sizeof buf), 2);
    CHECK(!memcmp(buf, "ab", 2));
    close(fd);
    /* ftruncate / truncate both ways. */
    CHECK_OK(truncate(path, 5000));
    CHECK_OK(stat(path, &st));
    CHECK_EQ(st.st_size, 5000);
    fd = open(path, O_RDWR);
    CHECK_OK(ftruncate(fd, 1));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 1);
    close(fd);
    unlink(path);
    PASS();
}
