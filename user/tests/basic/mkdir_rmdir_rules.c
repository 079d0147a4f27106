/* mkdir creates a directory (EEXIST if the name exists, ENOENT if the parent
 * does not); rmdir removes an empty one, refuses a non-empty one
 * (ENOTEMPTY), a file (ENOTDIR) and "." (EINVAL). */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char dir[64], sub[96], file[96];
    snprintf(dir, sizeof dir, "/tmp/weft-mkdir-%d", getpid());
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(file, sizeof file, "%s/file", dir);
    CHECK_OK(mkdir(dir, 0700));
    CHECK_ERR(mkdir(dir, 0700), EEXIST);
    CHECK_OK(mkdir(sub, 0700));
    struct stat st;
    CHECK_OK(stat(sub, &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_ERR(rmdir(dir), ENOTEMPTY);
    CHECK_OK(rmdir(sub));
    CHECK_ERR(stat(sub, &st), ENOENT);
    CHECK_ERR(rmdir(sub), ENOENT);
    int fd = open(file, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(rmdir(dir), ENOTEMPTY);
    CHECK_ERR(rmdir(file), ENOTDIR);
    CHECK_ERR(mkdir(file, 0700), EEXIST);
    CHECK_ERR(mkdir("/tmp/weft-no-parent/x/y", 0700), ENOENT);
    CHECK_OK(chdir(dir));
    CHECK_ERR(rmdir("."), EINVAL);
    CHECK_OK(chdir("/"));
    CHECK_OK(unlink(file));
    CHECK_OK(rmdir(dir));
    CHECK_ERR(stat(dir, &st), ENOENT);
    PASS();
}
