/* symlink stores any target text; readlink returns it without a NUL and
 * truncates to the buffer; open follows the link (also relative targets);
 * O_NOFOLLOW on a link is ELOOP; readlink of a non-link is EINVAL; a link
 * loop is ELOOP. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char d[64], l[96], f[96], loop1[96], loop2[96];
    snprintf(d, sizeof d, "/tmp/weft-symlink-%d", getpid());
    snprintf(l, sizeof l, "%s/l", d);
    snprintf(f, sizeof f, "%s/f", d);
    snprintf(loop1, sizeof loop1, "%s/loop1", d);
    snprintf(loop2, sizeof loop2, "%s/loop2", d);
    CHECK_OK(mkdir(d, 0700));
    int fd = open(f, O_WRONLY | O_CREAT, 0600);
    CHECK_EQ(write(fd, "target", 6), 6);
    close(fd);
    CHECK_OK(symlink("f", l)); /* relative to the link's directory */
    char buf[64];
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(readlink(l, buf, sizeof buf), 1);
    CHECK_EQ(buf[0], 'f');
    CHECK_EQ(buf[1], 'X'); /* no NUL added */
    fd = open(l, O_RDONLY);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, buf, sizeof buf), 6);
    close(fd);
    CHECK_ERR(open(l, O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERR(symlink("other", l), EEXIST);
    CHECK_ERR(readlink(f, buf, sizeof buf), EINVAL);

    char longt[200];
    memset(longt, 'y', sizeof longt - 1);
    longt[sizeof longt - 1] = 0;
    CHECK_OK(unlink(l));
    CHECK_OK(symlink(longt, l));
    CHECK_EQ(readlink(l, buf, 10), 10); /* truncated */
    CHECK(!memcmp(buf, longt, 10));
    CHECK_ERR(stat(l, &(struct stat){0}), ENOENT); /* dangling */

    CHECK_OK(symlink(loop2, loop1));
    CHECK_OK(symlink(loop1, loop2));
    CHECK_ERR(open(loop1, O_RDONLY), ELOOP);

    unlink(loop1);
    unlink(loop2);
    unlink(l);
    unlink(f);
    CHECK_OK(rmdir(d));
    PASS();
}
