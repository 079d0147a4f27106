/* clone3 size errors: a size above PAGE_SIZE is E2BIG, and so is a larger
 * struct whose bytes beyond the known clone_args are not zero. */
#include "tt.h"

int main(void)
{
    static unsigned char buf[8192];
    struct clone_args_v2 *a = (void *)buf;
    memset(buf, 0, sizeof buf);
    a->exit_signal = SIGCHLD;
    CHECK_ERR(syscall(SYS_clone3, a, 4096 + 8), E2BIG);
    buf[4095] = 1;
    CHECK_ERR(syscall(SYS_clone3, a, 4096), E2BIG);
    CHECK_ERR(waitpid(-1, 0, WNOHANG), ECHILD);
    PASS();
}
