/* writev writes its buffers in order as one run; readv fills its buffers in
 * order; zero-length entries are skipped; iovcnt 0 returns 0; a negative
 * iovcnt or one above IOV_MAX is EINVAL. */
#include "t.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-iov-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    struct iovec w[4] = {
        {"hello", 5}, {"", 0}, {", ", 2}, {"world", 5},
    };
    CHECK_EQ(writev(fd, w, 4), 12);
    CHECK_EQ(writev(fd, w, 0), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    char a[3], b[1], c[20];
    struct iovec r[4] = {{a, 3}, {NULL, 0}, {b, 1}, {c, sizeof c}};
    CHECK_EQ(readv(fd, r, 4), 12);
    CHECK(!memcmp(a, "hel", 3));
    CHECK(!memcmp(b, "l", 1));
    CHECK(!memcmp(c, "o, world", 8));
    CHECK_ERR(readv(fd, r, -1), EINVAL);
    CHECK_ERR(writev(fd, w, IOV_MAX + 1), EINVAL);
    /* pipes too */
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(writev(p[1], w, 4), 12);
    char all[12];
    CHECK_EQ(read(p[0], all, 12), 12);
    CHECK(!memcmp(all, "hello, world", 12));
    close(fd);
    unlink(path);
    PASS();
}
