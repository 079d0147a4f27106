/* open with O_CREAT creates a missing file; with O_CREAT|O_EXCL an existing
 * path fails with EEXIST (also a dangling symlink); without O_CREAT a
 * missing file is ENOENT. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[64], link[64];
    snprintf(path, sizeof path, "/tmp/weft-excl-%d", getpid());
    snprintf(link, sizeof link, "/tmp/weft-excl-link-%d", getpid());
    unlink(path);
    CHECK_ERR(open(path, O_RDONLY), ENOENT);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    close(fd);
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_size, 0);
    CHECK_ERR(open(path, O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
    fd = open(path, O_WRONLY | O_CREAT, 0600); /* without O_EXCL: fine */
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(open("/tmp", O_RDONLY | O_CREAT | O_EXCL, 0600), EEXIST);
    CHECK_OK(symlink("/tmp/weft-nowhere-at-all", link));
    CHECK_ERR(open(link, O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
    CHECK_OK(unlink(link));
    CHECK_OK(unlink(path));
    PASS();
}
