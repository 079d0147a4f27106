/* A write after seeking past EOF extends the file; the gap reads as zeros,
 * also across whole pages. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-hole-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "head", 4), 4);
    CHECK_EQ(lseek(fd, 3 * 4096 + 10, SEEK_SET), 3 * 4096 + 10);
    CHECK_EQ(write(fd, "tail", 4), 4);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 3 * 4096 + 14);
    static char buf[3 * 4096 + 14];
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), sizeof buf);
    CHECK(!memcmp(buf, "head", 4));
    for (size_t i = 4; i < 3 * 4096 + 10; i++)
        if (buf[i] != 0)
            FAIL("hole byte %zu is %d", i, buf[i]);
    CHECK(!memcmp(buf + 3 * 4096 + 10, "tail", 4));
    /* ftruncate growth also reads as zeros */
    CHECK_OK(ftruncate(fd, sizeof buf + 100));
    char z[100];
    CHECK_EQ(pread(fd, z, 100, sizeof buf), 100);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(z[i], 0);
    close(fd);
    unlink(path);
    PASS();
}
