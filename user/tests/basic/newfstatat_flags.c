/* newfstatat (fstatat): a path relative to a directory fd, AT_FDCWD,
 * AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH on an fd; a relative path with a
 * non-directory fd is ENOTDIR; unknown flags are EINVAL. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/weft-fstatat-%d", getpid());
    CHECK_OK(mkdir(dir, 0700));
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    int fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "xyz", 3), 3);
    CHECK_OK(symlinkat("f", dfd, "l"));
    struct stat st;
    CHECK_OK(fstatat(dfd, "f", &st, 0));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_size, 3);
    CHECK_OK(fstatat(dfd, "l", &st, 0));
    CHECK(S_ISREG(st.st_mode));
    CHECK_OK(fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW));
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(st.st_size, 1);
    CHECK_OK(fstatat(fd, "", &st, AT_EMPTY_PATH));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_size, 3);
    CHECK_ERR(fstatat(fd, "x", &st, 0), ENOTDIR);
    CHECK_ERR(fstatat(dfd, "", &st, 0), ENOENT);
    CHECK_ERR(fstatat(dfd, "f", &st, 0x40000000), EINVAL);
    CHECK_OK(chdir(dir));
    CHECK_OK(fstatat(AT_FDCWD, "f", &st, 0));
    CHECK_EQ(st.st_size, 3);
    CHECK_ERR(fstatat(999, "f", &st, 0), EBADF);
    CHECK_OK(fstatat(999, "/tmp", &st, 0)); /* absolute: the fd is ignored */
    CHECK_OK(unlinkat(dfd, "l", 0));
    CHECK_OK(unlinkat(dfd, "f", 0));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    PASS();
}
