/* At execve, caught signals are reset to SIG_DFL while ignored ones stay
 * SIG_IGN. Re-executes itself (argv[0]) with "check". */
#include "st.h"

static void h(int sig) {}

int main(int argc, char **argv)
{
    struct sigaction sa;
    if (argc > 1 && strcmp(argv[1], "check") == 0) {
        CHECK_OK(sigaction(SIGUSR1, 0, &sa));
        CHECK(sa.sa_handler == SIG_DFL);
        CHECK_OK(sigaction(SIGTERM, 0, &sa));
        CHECK(sa.sa_handler == SIG_DFL);
        CHECK_OK(sigaction(SIGUSR2, 0, &sa));
        CHECK(sa.sa_handler == SIG_IGN);
        CHECK_OK(sigaction(SIGHUP, 0, &sa));
        CHECK(sa.sa_handler == SIG_IGN);
        PASS();
    }
    on_signal(SIGUSR1, h, SA_RESTART);
    on_signal(SIGTERM, h, 0);
    on_signal(SIGUSR2, SIG_IGN, 0);
    on_signal(SIGHUP, SIG_IGN, 0);
    char *self = self_path(argv[0], "/tests/signals/execve_resets_handlers_keeps_ignored");
    char *args[] = {self, "check", 0};
    execv(self, args);
    FAIL("execv %s: %s", self, strerror(errno));
}
