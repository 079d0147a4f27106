/* read and write with a NULL, kernel or unmapped buffer fail with EFAULT
 * (raw syscalls), on pipes and files; the process survives and the pipe's
 * data is still there afterwards. */
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

int main(void)
{
    void *bad[] = {NULL, KADDR, unmapped()};
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(write(p[1], "abc", 3), 3);
    for (int i = 0; i < 3; i++) {
        CHECK_ERR(syscall(SYS_read, p[0], bad[i], 3), EFAULT);
        CHECK_ERR(syscall(SYS_write, p[1], bad[i], 3), EFAULT);
    }
    char buf[4] = {0};
    CHECK_EQ(read(p[0], buf, 3), 3);
    CHECK(!strcmp(buf, "abc"));

    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-efault-rw-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    for (int i = 0; i < 3; i++) {
        CHECK_ERR(syscall(SYS_pread64, fd, bad[i], 5, 0), EFAULT);
        CHECK_ERR(syscall(SYS_pwrite64, fd, bad[i], 5, 0), EFAULT);
        CHECK_ERR(syscall(SYS_write, fd, bad[i], 5), EFAULT);
    }
    CHECK_EQ(pread(fd, buf, 3, 0), 3);
    CHECK(!memcmp(buf, "012", 3));
    close(fd);
    unlink(path);
    PASS();
}
