/* The corners issue 17's bad-pointer sweep found where weft's errno
 * differed from Linux's: getitimer with a bad pointer is EFAULT (the
 * `which` check comes first: EINVAL); tgkill of a tid that does not exist
 * is ESRCH (a negative one EINVAL); utimensat with a NULL path and
 * AT_FDCWD is EFAULT (Linux 5.10+), with a bad fd EBADF; clone ignores a
 * bad parent_tid pointer without CLONE_PARENT_SETTID. */
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    CHECK_ERR(syscall(SYS_getitimer, 0, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_getitimer, 0, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_getitimer, 7, (void *)8), EINVAL);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), 999999, 0), ESRCH);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), -5, 0), EINVAL);
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0), EFAULT);
    CHECK_ERR(syscall(SYS_utimensat, 12345, NULL, NULL, 0), EBADF);
    long pid = syscall(SYS_clone, SIGCHLD, 0, (void *)8, 0, 0);
    if (pid == 0)
        _exit(7);
    CHECK_OK(pid);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    PASS();
}
