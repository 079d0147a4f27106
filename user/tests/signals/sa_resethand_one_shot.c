/* SA_RESETHAND: the disposition is reset to SIG_DFL when the handler is
 * entered, so a second SIGUSR1 kills the process (checked in a child). */
#include "st.h"

static volatile int calls, dfl_inside;

static void h(int sig)
{
    struct sigaction sa;
    calls++;
    sigaction(SIGUSR1, 0, &sa);
    dfl_inside = (sa.sa_handler == SIG_DFL);
}

int main(void)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        on_signal(SIGUSR1, h, SA_RESETHAND);
        raise(SIGUSR1);
        if (calls != 1 || !dfl_inside)
            _exit(1);
        raise(SIGUSR1); /* default action: terminate */
        _exit(2);
    }
    CHECK_KILLED_BY(wait_for(pid), SIGUSR1);
    PASS();
}
