/* Operations on a descriptor that is not open (-1, a closed number, a huge
 * number) fail with EBADF, as do reading a write-only and writing a
 * read-only descriptor, and fsync/ftruncate/fchdir/getdents64/mmap on bad
 * fds; a relative openat against a bad dirfd is EBADF. */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
    int closed = open("/dev/null", O_RDONLY);
    CHECK(closed >= 0);
    CHECK_OK(close(closed));
    int bad[] = {-1, closed, 1 << 20, 0x7fffffff};
    char buf[16];
    struct stat st;
    struct iovec v = {buf, 1};
    for (int i = 0; i < 4; i++) {
        int fd = bad[i];
        CHECK_ERR(syscall(SYS_read, fd, buf, 1), EBADF);
        CHECK_ERR(syscall(SYS_write, fd, buf, 1), EBADF);
        CHECK_ERR(syscall(SYS_close, fd), EBADF);
        CHECK_ERR(syscall(SYS_fstat, fd, &st), EBADF);
        CHECK_ERR(syscall(SYS_lseek, fd, 0, SEEK_SET), EBADF);
        CHECK_ERR(syscall(SYS_dup, fd), EBADF);
        CHECK_ERR(syscall(SYS_fcntl, fd, F_GETFL), EBADF);
        CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), EBADF);
        CHECK_ERR(syscall(SYS_fchdir, fd), EBADF);
        CHECK_ERR(syscall(SYS_ftruncate, fd, 0), EBADF);
        CHECK_ERR(syscall(SYS_fsync, fd), EBADF);
        CHECK_ERR(syscall(SYS_pread64, fd, buf, 1, 0), EBADF);
        CHECK_ERR(syscall(SYS_readv, fd, &v, 1), EBADF);
        CHECK_ERR(syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 0), EBADF);
        CHECK_ERR(syscall(SYS_openat, fd, "relative", O_RDONLY), EBADF);
        CHECK_ERR(syscall(SYS_newfstatat, fd, "relative", &st, 0), EBADF);
    }
    int ro = open("/dev/null", O_RDONLY), wo = open("/dev/null", O_WRONLY);
    CHECK(ro >= 0 && wo >= 0);
    CHECK_ERR(write(ro, "x", 1), EBADF);
    CHECK_ERR(read(wo, buf, 1), EBADF);
    CHECK_ERR(ftruncate(ro, 0), EINVAL); /* Linux: EINVAL (not a regular file) */
    PASS();
}
