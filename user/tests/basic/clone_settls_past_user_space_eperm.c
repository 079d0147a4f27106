/* clone(CLONE_SETTLS) with a TLS pointer at or past TASK_SIZE_MAX
 * (0x7ffffffff000) fails with EPERM and creates no child: Linux's
 * copy_thread sets it through do_arch_prctl_64(ARCH_SET_FS), which refuses
 * it. arch_prctl(ARCH_SET_FS) refuses the same addresses. weft used to
 * accept both; a non-canonical base then faulted the kernel's MSR write.
 *
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>


#define ARCH_SET_FS 0x1002
#define CLONE_SETTLS 0x00080000

int main(void) {
    const unsigned long bad[] = {0x7ffffffff000UL, 0x800000000000UL, 0xffff800000000000UL};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* A fork-like clone: no CLONE_VM, so a child that did start would
         * run on its own copy and exit at once. */
        long r = syscall(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, 0, 0, bad[i]);
        if (r == 0)
            _exit(99);
        CHECK_EQ(r, -1);
        CHECK_EQ(errno, EPERM);
        CHECK_ERR(syscall(SYS_arch_prctl, ARCH_SET_FS, bad[i]), EPERM);
    }
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
    PASS();
}
