/* The signal mask is kept across execve: the test blocks SIGUSR2 and
 * SIGRTMIN+2, re-executes itself (argv[0]) with "check", and the new image
 * finds them still blocked (and SIGUSR1 not). */
#include "st.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "check") == 0) {
        CHECK(is_blocked(SIGUSR2));
        CHECK(is_blocked(SIGRTMIN + 2));
        CHECK(!is_blocked(SIGUSR1));
        PASS();
    }
    block(SIGUSR2);
    block(SIGRTMIN + 2);
    char *self = self_path(argv[0], "/tests/signals/mask_kept_across_execve");
    char *args[] = {self, "check", 0};
    execv(self, args);
    FAIL("execv %s: %s", self, strerror(errno));
}
