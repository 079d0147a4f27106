/* clone3 with CLONE_PIDFD and a pidfd pointer into unmapped memory fails
 * with EFAULT, and no child is left behind: copy_process writes the pidfd
 * before the child becomes visible and undoes everything on failure.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* <linux/sched.h>'s clone3 argument (version 0, 64 bytes), which musl-gcc
 * does not ship. */
struct clone_args {
    unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};
#define CLONE_PIDFD 0x1000

int main(void) {
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    CHECK_OK(munmap(page, 4096));
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = CLONE_PIDFD;
    args.pidfd = (unsigned long)page;
    args.exit_signal = SIGCHLD;
    long r = syscall(SYS_clone3, &args, sizeof args);
    if (r == 0)
        _exit(0);
    CHECK_EQ(r, -1);
    CHECK_EQ(errno, EFAULT);
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
    PASS();
}
