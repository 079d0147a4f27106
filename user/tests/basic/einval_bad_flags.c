/* Unknown flags and out-of-range selectors are EINVAL: pipe2, dup3, wait4
 * options, waitid idtype, fcntl cmd, lseek whence, mmap without a mapping
 * type, mprotect prot, mremap flags, madvise advice, getrandom flags,
 * faccessat mode, unlinkat flags, clock ids, prctl option, renameat2 flags.
 * Raw syscalls, so libc does not check first. */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fds[2];
    CHECK_ERR(syscall(SYS_pipe2, fds, 0x4), EINVAL);
    CHECK_ERR(syscall(SYS_dup3, 0, 10, O_NONBLOCK), EINVAL);
    int st;
    CHECK_ERR(syscall(SYS_wait4, -1, &st, 0x100000, NULL), EINVAL);
    siginfo_t si;
    CHECK_ERR(syscall(SYS_waitid, 42, 0, &si, WEXITED, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_waitid, P_ALL, 0, &si, 0, NULL), EINVAL); /* no event */
    CHECK_ERR(syscall(SYS_fcntl, 0, 99999, 0), EINVAL);
    int fd = open("/dev/null", O_RDONLY);
    CHECK_ERR(syscall(SYS_lseek, fd, 0, 17), EINVAL);
    CHECK_ERR(syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
    char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK_ERR(syscall(SYS_mprotect, m, 4096, 0x1000), EINVAL);
    CHECK_ERR(syscall(SYS_mremap, m, 4096, 8192, 0x100), EINVAL);
    CHECK_ERR(syscall(SYS_madvise, m, 4096, 12345), EINVAL);
    char buf[8];
    CHECK_ERR(syscall(SYS_getrandom, buf, 8, 0x100), EINVAL);
    CHECK_ERR(syscall(SYS_faccessat, AT_FDCWD, "/", 0x100), EINVAL);
    CHECK_ERR(syscall(SYS_unlinkat, AT_FDCWD, "/tmp/weft-x", 0x1), EINVAL);
    struct timespec ts;
    CHECK_ERR(syscall(SYS_clock_gettime, 100, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_clock_getres, 100, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_clock_nanosleep, 100, 0, &ts, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_prctl, 0x7fff, 0, 0, 0, 0), EINVAL);
    CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, "/tmp/a", AT_FDCWD, "/tmp/b", 0x100), EINVAL);
    PASS();
}
