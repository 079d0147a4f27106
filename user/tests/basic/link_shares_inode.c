/* link makes a second name for the same inode: st_nlink counts names, data
 * written through one name is read through the other, unlinking one name
 * keeps the other. Linking to an existing name is EEXIST, a directory EPERM. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char a[64], b[64];
    snprintf(a, sizeof a, "/tmp/weft-link-a-%d", getpid());
    snprintf(b, sizeof b, "/tmp/weft-link-b-%d", getpid());
    int fd = open(a, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_OK(link(a, b));
    struct stat sa, sb;
    CHECK_OK(stat(a, &sa));
    CHECK_OK(stat(b, &sb));
    CHECK_EQ(sa.st_ino, sb.st_ino);
    CHECK_EQ(sa.st_nlink, 2);
    CHECK_EQ(write(fd, "shared", 6), 6);
    close(fd);
    fd = open(b, O_RDONLY);
    char buf[8] = {0};
    CHECK_EQ(read(fd, buf, 8), 6);
    CHECK(!strcmp(buf, "shared"));
    close(fd);
    CHECK_ERR(link(a, b), EEXIST);
    CHECK_ERR(link("/tmp", "/tmp/weft-link-dir"), EPERM);
    CHECK_ERR(link("/tmp/weft-no-such", "/tmp/weft-link-x"), ENOENT);
    CHECK_OK(unlink(a));
    CHECK_OK(stat(b, &sb));
    CHECK_EQ(sb.st_nlink, 1);
    CHECK_OK(unlink(b));
    PASS();
}
