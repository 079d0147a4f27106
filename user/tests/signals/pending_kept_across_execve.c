/* Blocked pending signals survive execve: the test makes SIGUSR1 pending
 * (blocked), re-executes itself with "check", and the new image finds it
 * pending and receives it when unblocked. */
#include "st.h"

static volatile int got;
static void h(int sig) { got++; }

int main(int argc, char **argv)
{
    sigset_t p;
    if (argc > 1 && strcmp(argv[1], "check") == 0) {
        CHECK_OK(sigpending(&p));
        CHECK(sigismember(&p, SIGUSR1));
        on_signal(SIGUSR1, h, 0);
        unblock(SIGUSR1);
        CHECK_EQ(got, 1);
        PASS();
    }
    block(SIGUSR1);
    CHECK_OK(raise(SIGUSR1));
    char *self = self_path(argv[0], "/tests/signals/pending_kept_across_execve");
    char *args[] = {self, "check", 0};
    execv(self, args);
    FAIL("execv %s: %s", self, strerror(errno));
}
