/* Path lookup: a missing intermediate directory is ENOENT, a file used as a
 * directory is ENOTDIR, an empty path is ENOENT; "." and ".." resolve. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    struct stat st;
    char f[64], p[128];
    snprintf(f, sizeof f, "/tmp/weft-comp-%d", getpid());
    int fd = open(f, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(stat("/tmp/weft-missing-dir/file", &st), ENOENT);
    CHECK_ERR(open("/tmp/weft-missing-dir/file", O_RDONLY | O_CREAT, 0600), ENOENT);
    snprintf(p, sizeof p, "%s/child", f);
    CHECK_ERR(stat(p, &st), ENOTDIR);
    CHECK_ERR(open(p, O_RDONLY | O_CREAT, 0600), ENOTDIR);
    CHECK_ERR(stat("", &st), ENOENT);
    CHECK_ERR(open("", O_RDONLY), ENOENT);
    CHECK_OK(stat("/tmp/./../tmp/.", &st));
    CHECK(S_ISDIR(st.st_mode));
    struct stat root, up;
    CHECK_OK(stat("/", &root));
    CHECK_OK(stat("/..", &up));
    CHECK_EQ(root.st_ino, up.st_ino);
    CHECK_OK(stat("//tmp//", &st));
    CHECK_OK(unlink(f));
    PASS();
}
