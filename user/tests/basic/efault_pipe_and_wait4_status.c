/* pipe/pipe2 with a bad array pointer fail with EFAULT (no fds leak: the
 * next open gets the same number). wait4 with a bad status pointer returns
 * EFAULT; on Linux the child is reaped anyway (so a second wait is ECHILD);
 * a bad rusage pointer is EFAULT too. */
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
#include <sys/wait.h>

int main(void)
{
    void *bad[] = {NULL, KADDR, unmapped()};
    int before = open("/dev/null", O_RDONLY);
    CHECK(before >= 0);
    close(before);
    for (int i = 0; i < 3; i++) {
        CHECK_ERR(syscall(SYS_pipe, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_pipe2, bad[i], O_CLOEXEC), EFAULT);
    }
    int after = open("/dev/null", O_RDONLY);
    CHECK_EQ(after, before);
    close(after);

    for (int i = 1; i < 3; i++) { /* NULL status is valid: skip it */
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            _exit(0);
        CHECK_ERR(syscall(SYS_wait4, pid, bad[i], 0, NULL), EFAULT);
        CHECK_ERR(waitpid(pid, NULL, 0), ECHILD); /* Linux reaped it */
    }
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(0);
    int st;
    CHECK_ERR(syscall(SYS_wait4, pid, &st, 0, KADDR), EFAULT);
    CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);
    PASS();
}
