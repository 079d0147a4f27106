/* clock_gettime, clock_getres, gettimeofday, nanosleep, uname, sysinfo,
 * getrlimit, getcwd and getrandom with a NULL (where NULL is not allowed),
 * kernel or unmapped pointer fail with EFAULT (raw syscalls: musl's
 * clock_gettime may use the vDSO and crash in user space instead). */
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

#include <time.h>
#include <sys/resource.h>

int main(void)
{
    void *bad[] = {NULL, KADDR, unmapped()};
    for (int i = 0; i < 3; i++) {
        CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_uname, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_sysinfo, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_getcwd, bad[i], 256), EFAULT);
        CHECK_ERR(syscall(SYS_getrandom, bad[i], 16, 0), EFAULT);
        CHECK_ERR(syscall(SYS_nanosleep, bad[i], NULL), EFAULT);
        if (bad[i]) { /* NULL is allowed for these */
            CHECK_ERR(syscall(SYS_clock_getres, CLOCK_MONOTONIC, bad[i]), EFAULT);
            CHECK_ERR(syscall(SYS_gettimeofday, bad[i], NULL), EFAULT);
        }
    }
    CHECK_OK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
    CHECK_OK(syscall(SYS_gettimeofday, NULL, NULL));
    PASS();
}
