/* A synchronous fault signal cannot be blocked away: a SIGSEGV raised by
 * a bad access while SIGSEGV is blocked kills the process by SIGSEGV even
 * though a handler is installed (checked in a child). */
#include "st.h"

static void h(int sig) { _exit(5); }

int main(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        on_signal(SIGSEGV, h, 0);
        block(SIGSEGV);
        volatile int *volatile bad = (volatile int *)8;
        *bad = 1;
        _exit(1);
    }
    CHECK_KILLED_BY(wait_for(pid), SIGSEGV);
    PASS();
}
