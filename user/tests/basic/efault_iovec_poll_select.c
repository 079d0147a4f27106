/* readv/writev with a bad iovec array or a bad iov_base, poll with a bad
 * pollfd array, and select with a bad fd_set fail with EFAULT. */
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

#include <poll.h>
#include <sys/select.h>
#include <sys/uio.h>

int main(void)
{
    void *bad[] = {NULL, KADDR, unmapped()};
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(write(p[1], "data", 4), 4);
    for (int i = 0; i < 3; i++) {
        CHECK_ERR(syscall(SYS_readv, p[0], bad[i], 1), EFAULT);
        CHECK_ERR(syscall(SYS_writev, p[1], bad[i], 1), EFAULT);
        struct iovec v = {bad[i], 4};
        CHECK_ERR(syscall(SYS_readv, p[0], &v, 1), EFAULT);
        CHECK_ERR(syscall(SYS_writev, p[1], &v, 1), EFAULT);
        CHECK_ERR(syscall(SYS_poll, bad[i], 1, 0), EFAULT);
        struct timeval tv = {0, 0};
        CHECK_ERR(syscall(SYS_select, p[0] + 1, bad[i] ? bad[i] : (void *)1, NULL, NULL, &tv), EFAULT);
        fd_set r;
        FD_ZERO(&r);
        FD_SET(p[0], &r);
        if (bad[i])
            CHECK_ERR(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, bad[i]), EFAULT);
    }
    /* poll with nfds 0 never touches the array. */
    CHECK_EQ(syscall(SYS_poll, NULL, 0, 0), 0);
    char buf[4];
    CHECK_EQ(read(p[0], buf, 4), 4);
    PASS();
}
