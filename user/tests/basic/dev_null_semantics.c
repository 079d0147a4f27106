/* /dev/null: reads return EOF, writes of any size succeed and report the
 * full count, it is a character device, and lseek on it succeeds. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    int fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0);
    char buf[4096];
    CHECK_EQ(read(fd, buf, sizeof buf), 0);
    memset(buf, 1, sizeof buf);
    CHECK_EQ(write(fd, buf, sizeof buf), sizeof buf);
    CHECK_EQ(write(fd, buf, 0), 0);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK(!isatty(fd));
    close(fd);
    PASS();
}
