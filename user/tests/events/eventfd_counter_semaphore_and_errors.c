/* eventfd: writes add to the counter and a read takes it all (EFD_SEMAPHORE:
 * one at a time); reading 0 is EAGAIN when non-blocking; a write of
 * 0xffffffffffffffff or a buffer under 8 bytes is EINVAL; a write that
 * would overflow is EAGAIN; bad flags are EINVAL; poll sees POLLIN while
 * the counter is non-zero. A write of 16 bytes adds only the first 8 and
 * returns 8 (Linux 6.1; newer kernels refuse it with EINVAL): never both. */
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    int fd = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK_OK(fd);
    uint64_t v = 3;
    CHECK_EQ(write(fd, &v, 8), 8);
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, 8);
    CHECK_ERR(read(fd, &v, 8), EAGAIN);
    uint64_t two[2] = {4, 100};
    long wrote = write(fd, two, sizeof two);
    if (wrote == 8) {
        CHECK_EQ(read(fd, &v, 8), 8);
        CHECK_EQ(v, 4);
    } else {
        CHECK(wrote == -1 && errno == EINVAL);
        CHECK_ERR(read(fd, &v, 8), EAGAIN);
    }
    v = ~0ULL;
    CHECK_ERR(write(fd, &v, 8), EINVAL);
    CHECK_ERR(write(fd, &v, 4), EINVAL);
    CHECK_ERR(read(fd, &v, 7), EINVAL);
    v = 0xfffffffffffffffeULL;
    CHECK_EQ(write(fd, &v, 8), 8);
    v = 1;
    CHECK_ERR(write(fd, &v, 8), EAGAIN);
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(p.revents, POLLIN);

    int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    CHECK_OK(sem);
    CHECK_EQ(read(sem, &v, 8), 8);
    CHECK_EQ(v, 1);
    CHECK_EQ(read(sem, &v, 8), 8);
    CHECK_EQ(v, 1);
    CHECK_ERR(read(sem, &v, 8), EAGAIN);
    CHECK_ERR(eventfd(0, 0x40), EINVAL);

    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_mode & S_IFMT, 0); /* an anonymous inode */
    PASS();
}
