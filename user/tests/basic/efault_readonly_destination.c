/* read into memory the process may not write (a PROT_READ page, a PROT_NONE
 * page, the program's own code) fails with EFAULT instead of writing there
 * or crashing; the memory is unchanged. */
#include "t.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A kernel-half address, canonical but never user-accessible. */
#define KADDR ((void *)0xffff800000000000UL)

int main(void)
{
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED && none != MAP_FAILED);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(write(p[1], "xyz", 3), 3);
    CHECK_ERR(syscall(SYS_read, p[0], ro, 3), EFAULT);
    CHECK_EQ(ro[0], 0);
    CHECK_ERR(syscall(SYS_read, p[0], none, 3), EFAULT);
    CHECK_ERR(syscall(SYS_read, p[0], (void *)&main, 3), EFAULT);
    /* Writing from a PROT_NONE page is EFAULT too; from PROT_READ it works. */
    CHECK_ERR(syscall(SYS_write, p[1], none, 3), EFAULT);
    CHECK_EQ(syscall(SYS_write, p[1], ro, 3), 3);
    char buf[8];
    CHECK_EQ(read(p[0], buf, 6), 6);
    CHECK(!memcmp(buf, "xyz\0\0\0", 6));
    /* A result struct in read-only memory. */
    CHECK_ERR(syscall(SYS_pipe, (int *)ro), EFAULT);
    CHECK_ERR(syscall(SYS_clock_gettime, 1, ro), EFAULT);
    CHECK_EQ(ro[0], 0);
    PASS();
}
