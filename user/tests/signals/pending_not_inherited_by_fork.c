/* Pending signals are not inherited: with SIGUSR1 blocked and pending in
 * the parent, the forked child's pending set is empty; the parent's still
 * holds it. */
#include "st.h"

static volatile int got;
static void h(int sig) { got++; }

int main(void)
{
    sigset_t p;
    on_signal(SIGUSR1, h, 0);
    block(SIGUSR1);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_OK(sigpending(&p));
    CHECK(sigismember(&p, SIGUSR1));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        sigset_t cp;
        if (sigpending(&cp))
            _exit(2);
        for (int s = 1; s < _NSIG; s++)
            if (sigismember(&cp, s) == 1)
                _exit(1);
        unblock(SIGUSR1);
        _exit(got == 0 ? 0 : 3);
    }
    CHECK_EXITED(wait_for(pid), 0);
    CHECK_OK(sigpending(&p));
    CHECK(sigismember(&p, SIGUSR1));
    unblock(SIGUSR1);
    CHECK_EQ(got, 1);
    PASS();
}
