/* dup3: like dup2 but O_CLOEXEC sets FD_CLOEXEC on the new fd, oldfd ==
 * newfd is EINVAL, and any other flag is EINVAL. Raw syscalls: musl's dup3
 * checks oldfd == newfd itself and drops unknown flags. */
#include "t.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define dup3(a, b, f) syscall(SYS_dup3, a, b, f)

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(dup3(p[1], 50, O_CLOEXEC), 50);
    CHECK_EQ(fcntl(50, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(dup3(p[1], 51, 0), 51);
    CHECK_EQ(fcntl(51, F_GETFD), 0);
    CHECK_ERR(dup3(p[1], p[1], 0), EINVAL);
    CHECK_ERR(dup3(p[1], 52, O_NONBLOCK), EINVAL);
    CHECK_ERR(dup3(p[1], 52, 0x1), EINVAL);
    CHECK_ERR(fcntl(52, F_GETFD), EBADF);
    CHECK_ERR(dup3(999, 52, 0), EBADF);
    CHECK_EQ(write(50, "x", 1), 1);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    PASS();
}
