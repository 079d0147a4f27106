/* fork copies the descriptor table: closing or replacing an fd in the child
 * leaves the parent's open, and an fd the child opens does not appear in
 * the parent. */
#include "t.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        int fd = open("/dev/null", O_RDONLY);
        dup2(fd, 40);
        _exit(0);
    }
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    CHECK_EQ(fcntl(p[1], F_GETFD), 0);
    CHECK_EQ(write(p[1], "x", 1), 1);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_ERR(fcntl(40, F_GETFD), EBADF);
    PASS();
}
