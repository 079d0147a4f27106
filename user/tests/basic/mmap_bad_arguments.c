/* mmap argument errors: length 0 is EINVAL, neither MAP_PRIVATE nor
 * MAP_SHARED is EINVAL, a bad fd for a file mapping is EBADF, a directory fd
 * is ENODEV (Linux), and a huge length is ENOMEM. Raw syscalls so libc does
 * not filter anything. */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static long raw_mmap(unsigned long addr, unsigned long len, long prot, long flags, long fd, long off)
{
    return syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

int main(void)
{
    CHECK_ERR(raw_mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERR(raw_mmap(0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERR(raw_mmap(0, 4096, PROT_READ, MAP_PRIVATE, 999, 0), EBADF);
    int d = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK_ERR(raw_mmap(0, 4096, PROT_READ, MAP_PRIVATE, d, 0), ENODEV);
    close(d);
    CHECK_ERR(raw_mmap(0, 1UL << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
    /* A hint that is not page-aligned is just a hint. */
    long r = raw_mmap(12345, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(r != -1);
    CHECK_EQ(r % 4096, 0);
    PASS();
}
