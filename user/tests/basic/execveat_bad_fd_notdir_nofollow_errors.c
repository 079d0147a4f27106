/* execveat's lookup errors: a relative path with a closed fd is EBADF,
 * with an fd of a regular file ENOTDIR; AT_SYMLINK_NOFOLLOW on a symlink
 * (even one to an executable) is ELOOP; unknown flags are EINVAL. None of
 * them replaces the caller. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define AT_FDCWD_VALUE -100
#define AT_SYMLINK_NOFOLLOW_FLAG 0x100

int main(int argc, char **argv) {
    (void)argc;
    char *args[] = {"x", NULL};
    char *envp[] = {NULL};
    int fd = open(argv[0], O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(syscall(SYS_execveat, 1000, "prog", args, envp, 0), EBADF);
    CHECK_ERR(syscall(SYS_execveat, fd, "prog", args, envp, 0), ENOTDIR);

    char link[64];
    snprintf(link, sizeof link, "/tmp/weft-execveat-%d", getpid());
    char target[4096];
    if (argv[0][0] == '/') {
        snprintf(target, sizeof target, "%s", argv[0]);
    } else {
        char cwd[2048];
        CHECK(getcwd(cwd, sizeof cwd) != NULL);
        snprintf(target, sizeof target, "%s/%s", cwd, argv[0]);
    }
    CHECK_OK(symlink(target, link));
    CHECK_ERR(syscall(SYS_execveat, AT_FDCWD_VALUE, link, args, envp, AT_SYMLINK_NOFOLLOW_FLAG), ELOOP);
    CHECK_ERR(syscall(SYS_execveat, AT_FDCWD_VALUE, link, args, envp, 0x4), EINVAL);
    CHECK_OK(unlink(link));
    PASS();
}
