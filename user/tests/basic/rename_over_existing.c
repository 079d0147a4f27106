/* rename moves a name, atomically replacing an existing file; renaming onto
 * itself is a no-op; a directory over a non-empty directory is ENOTEMPTY
 * (Linux; POSIX allows EEXIST), a directory over a file ENOTDIR, a file over
 * a directory EISDIR, and a directory into itself EINVAL. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, s, strlen(s)), (ssize_t)strlen(s));
    close(fd);
}

static void expect(const char *path, const char *s)
{
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, buf, sizeof buf - 1) >= 0);
    close(fd);
    if (strcmp(buf, s))
        FAIL("%s holds '%s', expected '%s'", path, buf, s);
}

int main(void)
{
    char d[64], a[96], b[96], d1[96], d2[96], d2f[128], d1sub[128];
    snprintf(d, sizeof d, "/tmp/weft-rename-%d", getpid());
    snprintf(a, sizeof a, "%s/a", d);
    snprintf(b, sizeof b, "%s/b", d);
    snprintf(d1, sizeof d1, "%s/d1", d);
    snprintf(d2, sizeof d2, "%s/d2", d);
    snprintf(d2f, sizeof d2f, "%s/d2/f", d);
    snprintf(d1sub, sizeof d1sub, "%s/d1/sub", d);
    CHECK_OK(mkdir(d, 0700));
    put(a, "AAA");
    put(b, "BBB");
    struct stat sa;
    CHECK_OK(stat(a, &sa));
    CHECK_OK(rename(a, b));
    CHECK_ERR(access(a, F_OK), ENOENT);
    expect(b, "AAA");
    struct stat sb;
    CHECK_OK(stat(b, &sb));
    CHECK_EQ(sb.st_ino, sa.st_ino);
    CHECK_OK(rename(b, b));
    expect(b, "AAA");
    CHECK_ERR(rename(a, b), ENOENT);

    CHECK_OK(mkdir(d1, 0700));
    CHECK_OK(mkdir(d2, 0700));
    put(d2f, "F");
    CHECK_ERR(rename(d1, d2), ENOTEMPTY);
    CHECK_ERR(rename(d1, b), ENOTDIR);
    CHECK_ERR(rename(b, d1), EISDIR);
    CHECK_ERR(rename(d1, d1sub), EINVAL);
    CHECK_OK(unlink(d2f));
    CHECK_OK(rename(d1, d2)); /* over an empty directory: fine */
    CHECK_ERR(access(d1, F_OK), ENOENT);
    CHECK_OK(access(d2, F_OK));
    /* Across directories. */
    char moved[128];
    snprintf(moved, sizeof moved, "%s/d2/moved", d);
    CHECK_OK(rename(b, moved));
    expect(moved, "AAA");
    CHECK_OK(unlink(moved));
    CHECK_OK(rmdir(d2));
    CHECK_OK(rmdir(d));
    PASS();
}
