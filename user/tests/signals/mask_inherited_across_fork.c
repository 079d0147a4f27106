/* A forked child starts with its parent's signal mask, and its
 * handlers. */
#include "st.h"

static void h(int sig) {}

int main(void)
{
    block(SIGUSR2);
    block(SIGRTMIN + 3);
    on_signal(SIGUSR1, h, 0);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        struct sigaction sa;
        if (!is_blocked(SIGUSR2) || !is_blocked(SIGRTMIN + 3) || is_blocked(SIGUSR1))
            _exit(1);
        if (sigaction(SIGUSR1, 0, &sa) || sa.sa_handler != h)
            _exit(2);
        _exit(0);
    }
    CHECK_EXITED(wait_for(pid), 0);
    PASS();
}
