/* Path and result pointers: open/mkdir/unlink/chdir/access/readlink/execve
 * with a NULL, kernel or unmapped path, and stat/fstat/newfstatat/statx with
 * a bad result buffer, all fail with EFAULT. */
#include "t.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A kernel-half address, canonical but never user-accessible. */
#define KADDR ((void *)0xffff800000000000UL)

/* An address in user space with nothing mapped there. */
static void *unmapped(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_OK(munmap(p, 4096));
    return p;
}

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    void *bad[] = {NULL, KADDR, unmapped()};
    struct stat st;
    char buf[64];
    for (int i = 0; i < 3; i++) {
        CHECK_ERR(syscall(SYS_open, bad[i], O_RDONLY), EFAULT);
        CHECK_ERR(syscall(SYS_openat, AT_FDCWD, bad[i], O_RDONLY), EFAULT);
        CHECK_ERR(syscall(SYS_mkdir, bad[i], 0700), EFAULT);
        CHECK_ERR(syscall(SYS_unlink, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_chdir, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_access, bad[i], F_OK), EFAULT);
        CHECK_ERR(syscall(SYS_readlink, bad[i], buf, sizeof buf), EFAULT);
        CHECK_ERR(syscall(SYS_stat, bad[i], &st), EFAULT);
        CHECK_ERR(syscall(SYS_stat, "/", bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_fstat, 0, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, "/", bad[i], 0), EFAULT);
        CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, bad[i]), EFAULT);
        char *argv[] = {"x", NULL};
        CHECK_ERR(syscall(SYS_execve, bad[i], argv, NULL), EFAULT);
        /* An argv array that is itself a bad pointer, then a bad string in
         * argv (NULL argv is allowed by Linux, hence 1). /bin/false: if the
         * exec wrongly succeeded, the test would exit 1. */
        CHECK_ERR(syscall(SYS_execve, "/bin/false", bad[i] ? bad[i] : (void *)1, NULL), EFAULT);
        char *bad_argv[] = {"x", bad[i] ? bad[i] : (char *)1, NULL};
        CHECK_ERR(syscall(SYS_execve, "/bin/false", bad_argv, NULL), EFAULT);
    }
    /* readlink with a bad buffer on a real symlink. */
    char l[64];
    snprintf(l, sizeof l, "/tmp/weft-efault-l-%d", getpid());
    CHECK_OK(symlink("target", l));
    CHECK_ERR(syscall(SYS_readlink, l, KADDR, 10), EFAULT);
    CHECK_ERR(syscall(SYS_readlink, l, NULL, 10), EFAULT);
    unlink(l);
    PASS();
}
