/* unlink removes the name while an open descriptor keeps the data readable
 * and writable; unlink of a directory is EISDIR; of a missing name ENOENT. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-unlink-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "still here", 10), 10);
    CHECK_OK(unlink(path));
    struct stat st;
    CHECK_ERR(stat(path, &st), ENOENT);
    CHECK_ERR(unlink(path), ENOENT);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(st.st_size, 10);
    char buf[16] = {0};
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 10);
    CHECK(!strcmp(buf, "still here"));
    CHECK_EQ(write(fd, "!", 1), 1);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 11);
    close(fd);
    CHECK_ERR(unlink("/tmp"), EISDIR);
    PASS();
}
