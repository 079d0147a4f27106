/* Descriptors made by dup, and those inherited across fork, share one open
 * file and so one offset; a second open of the same path has its own. */
#include "t.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-dupoff-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    int d = dup(fd);
    CHECK_EQ(lseek(d, 0, SEEK_CUR), 10);
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    char c;
    CHECK_EQ(read(d, &c, 1), 1);
    CHECK_EQ(c, '2');
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 3);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char x;
        _exit(read(fd, &x, 1) == 1 && x == '3' ? 0 : 1);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);

    int other = open(path, O_RDONLY);
    CHECK(other >= 0);
    CHECK_EQ(lseek(other, 0, SEEK_CUR), 0);
    CHECK_EQ(read(other, &c, 1), 1);
    CHECK_EQ(c, '0');
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
    unlink(path);
    PASS();
}
