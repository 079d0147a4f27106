/* F_GETPIPE_SZ and F_SETPIPE_SZ (Linux pipe_fcntl, round_pipe_size): a
 * new pipe holds 16 pages; a new size is rounded up to a power-of-two
 * number of pages (5000 -> 8192, 0 -> one page), EINVAL past 2 GiB; the
 * new size is the capacity a nonblocking writer meets; a file that is not
 * a pipe gives EBADF.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe2(p, O_NONBLOCK));
    CHECK_EQ(fcntl(p[0], F_GETPIPE_SZ), 65536);
    CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);
    CHECK_EQ(syscall(SYS_fcntl, p[1], F_SETPIPE_SZ, 5000UL), 8192);
    CHECK_EQ(fcntl(p[0], F_GETPIPE_SZ), 8192);
    CHECK_EQ(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 0UL), 4096);
    CHECK_ERR(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 0x80001000UL), EINVAL);
    CHECK_EQ(fcntl(p[0], F_GETPIPE_SZ), 4096);

    /* One page of room: a nonblocking write of two pages takes one. */
    static char buf[8192];
    CHECK_EQ(write(p[1], buf, sizeof buf), 4096);
    CHECK_ERR(write(p[1], buf, 1), EAGAIN);
    CHECK_EQ(read(p[0], buf, sizeof buf), 4096);

    int fd = open("/dev/null", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(fcntl(fd, F_GETPIPE_SZ), EBADF);
    CHECK_ERR(syscall(SYS_fcntl, fd, F_SETPIPE_SZ, 4096UL), EBADF);
    PASS();
}
