/* O_DIRECTORY opens a directory and fails with ENOTDIR on a file; opening a
 * directory for writing is EISDIR; a trailing slash on a file is ENOTDIR. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    char path[64], slash[80];
    snprintf(path, sizeof path, "/tmp/weft-odir-%d", getpid());
    snprintf(slash, sizeof slash, "%s/", path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    close(fd);
    fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    close(fd);
    fd = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(open(path, O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERR(open("/tmp", O_WRONLY), EISDIR);
    CHECK_ERR(open("/tmp", O_RDWR), EISDIR);
    CHECK_ERR(open(slash, O_RDONLY), ENOTDIR);
    unlink(path);
    PASS();
}
