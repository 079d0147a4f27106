/* A path component longer than NAME_MAX (255) is ENAMETOOLONG, and so is a
 * whole path of PATH_MAX (4096) bytes or more; 255 is fine. */
#include "t.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[PATH_MAX + 64];
    char name[300];
    memset(name, 'n', 256);
    name[256] = 0;
    snprintf(path, sizeof path, "/tmp/%s", name);
    CHECK_ERR(open(path, O_RDONLY | O_CREAT, 0600), ENAMETOOLONG);
    CHECK_ERR(mkdir(path, 0700), ENAMETOOLONG);
    struct stat st;
    CHECK_ERR(stat(path, &st), ENAMETOOLONG);
    name[255] = 0;
    snprintf(path, sizeof path, "/tmp/%s", name);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(unlink(path));
    /* A whole path of PATH_MAX bytes ("/./././...") */
    memset(path, 0, sizeof path);
    path[0] = '/';
    for (int i = 1; i < PATH_MAX + 2; i += 2)
        path[i] = '.', path[i + 1] = '/';
    path[PATH_MAX + 2] = 0;
    CHECK_ERR(stat(path, &st), ENAMETOOLONG);
    CHECK_ERR(chdir(path), ENAMETOOLONG);
    PASS();
}
