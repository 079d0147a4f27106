/* access/faccessat: F_OK for existence, R_OK/W_OK/X_OK by permission bits
 * (root: X_OK needs some x bit), ENOENT for a missing path, EINVAL for a bad
 * mode, relative paths against a directory fd. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char d[64];
    snprintf(d, sizeof d, "/tmp/weft-access-%d", getpid());
    CHECK_OK(mkdir(d, 0700));
    int dfd = open(d, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    int fd = openat(dfd, "plain", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    fd = openat(dfd, "exe", O_WRONLY | O_CREAT, 0755);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(faccessat(dfd, "plain", F_OK, 0));
    CHECK_OK(faccessat(dfd, "plain", R_OK | W_OK, 0));
    CHECK_OK(faccessat(dfd, "exe", X_OK, 0));
    if (getuid() == 0 || geteuid() == 0) {
        CHECK_ERR(faccessat(dfd, "plain", X_OK, 0), EACCES);
    }
    CHECK_ERR(faccessat(dfd, "missing", F_OK, 0), ENOENT);
    CHECK_ERR(faccessat(dfd, "plain", 0x40, 0), EINVAL);
    CHECK_OK(access("/", X_OK));
    CHECK_OK(access("/tmp", R_OK | W_OK | X_OK));
    CHECK_ERR(access("/tmp/weft-no-such-file", F_OK), ENOENT);
    CHECK_OK(unlinkat(dfd, "plain", 0));
    CHECK_OK(unlinkat(dfd, "exe", 0));
    CHECK_OK(rmdir(d));
    PASS();
}
