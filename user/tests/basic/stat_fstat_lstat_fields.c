/* stat, fstat and lstat report type, permission bits, size and link count;
 * lstat describes a symlink itself (size = target length), stat follows it;
 * all three agree on the inode. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[64], link[64], dir[64];
    snprintf(path, sizeof path, "/tmp/weft-stat-%d", getpid());
    snprintf(link, sizeof link, "/tmp/weft-stat-l-%d", getpid());
    snprintf(dir, sizeof dir, "/tmp/weft-stat-d-%d", getpid());
    umask(022);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0640);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789abc", 13), 13);
    struct stat s, f, l;
    CHECK_OK(stat(path, &s));
    CHECK_OK(fstat(fd, &f));
    CHECK(S_ISREG(s.st_mode));
    CHECK_EQ(s.st_mode & 07777, 0640);
    CHECK_EQ(s.st_size, 13);
    CHECK_EQ(s.st_nlink, 1);
    CHECK_EQ(s.st_uid, getuid());
    CHECK_EQ(s.st_gid, getgid());
    CHECK_EQ(s.st_ino, f.st_ino);
    CHECK_EQ(s.st_dev, f.st_dev);
    CHECK_EQ(f.st_size, 13);
    CHECK(s.st_blksize > 0);

    CHECK_OK(symlink(path, link));
    CHECK_OK(lstat(link, &l));
    CHECK(S_ISLNK(l.st_mode));
    CHECK_EQ(l.st_size, strlen(path));
    CHECK(l.st_ino != s.st_ino);
    CHECK_OK(stat(link, &l));
    CHECK(S_ISREG(l.st_mode));
    CHECK_EQ(l.st_ino, s.st_ino);

    CHECK_OK(mkdir(dir, 0755));
    CHECK_OK(stat(dir, &s));
    CHECK(S_ISDIR(s.st_mode));
    CHECK_EQ(s.st_mode & 07777, 0755);
    CHECK(s.st_nlink >= 2);

    CHECK_OK(stat("/dev/null", &s));
    CHECK(S_ISCHR(s.st_mode));
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_OK(fstat(p[0], &s));
    CHECK(S_ISFIFO(s.st_mode));

    CHECK_ERR(stat("/tmp/weft-no-such-file", &s), ENOENT);
    CHECK_ERR(fstat(999, &s), EBADF);
    close(fd);
    unlink(link);
    unlink(path);
    rmdir(dir);
    PASS();
}
