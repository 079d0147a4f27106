/* statx returns type, mode, size, nlink, ino and ids with the basic mask
 * bits set, for a path and (AT_EMPTY_PATH) for an fd, and agrees with fstat.
 * A reserved mask bit (STATX__RESERVED) is EINVAL. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct sx_ts { long long tv_sec; unsigned tv_nsec; int pad; };
struct sx {
    unsigned mask, blksize;
    unsigned long long attributes;
    unsigned nlink, uid, gid;
    unsigned short mode, pad1;
    unsigned long long ino, size, blocks, attributes_mask;
    struct sx_ts atime, btime, ctime, mtime;
    unsigned rdev_major, rdev_minor, dev_major, dev_minor;
    unsigned long long spare[14];
};

#define X_TYPE 0x1u
#define X_MODE 0x2u
#define X_NLINK 0x4u
#define X_SIZE 0x200u
#define X_INO 0x100u
#define X_BASIC 0x7ffu
#define X_RESERVED 0x80000000u

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-statx-%d", getpid());
    umask(0);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0604);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "12345", 5), 5);
    struct sx x;
    memset(&x, 0xff, sizeof x);
    CHECK_OK(syscall(SYS_statx, AT_FDCWD, path, 0, X_BASIC, &x));
    unsigned need = X_TYPE | X_MODE | X_NLINK | X_SIZE | X_INO;
    CHECK_EQ(x.mask & need, need);
    CHECK(S_ISREG(x.mode));
    CHECK_EQ(x.mode & 07777, 0604);
    CHECK_EQ(x.size, 5);
    CHECK_EQ(x.nlink, 1);
    CHECK_EQ(x.uid, getuid());
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(x.ino, st.st_ino);

    memset(&x, 0, sizeof x);
    CHECK_OK(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, X_BASIC, &x));
    CHECK_EQ(x.size, 5);
    CHECK_EQ(x.ino, st.st_ino);

    CHECK_OK(syscall(SYS_statx, AT_FDCWD, "/tmp", 0, X_BASIC, &x));
    CHECK(S_ISDIR(x.mode));
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, path, 0, X_RESERVED, &x), EINVAL);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "/tmp/weft-no-such", 0, X_BASIC, &x), ENOENT);
    close(fd);
    unlink(path);
    PASS();
}
