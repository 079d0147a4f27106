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
    char *args[] = {argv[0], "check", 0};
    execv(argv[0], args);
    FAIL("execv %s: %s", argv[0], strerror(errno));
}
