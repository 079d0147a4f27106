/* Writing to a pipe whose read end is closed fails with EPIPE when SIGPIPE
 * is ignored (and the process survives), also with SIGPIPE blocked, where
 * the signal is left pending. */
#include "t.h"
#include <signal.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
    CHECK_OK(pipe(p));
    CHECK_OK(close(p[0]));
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK_ERR(write(p[1], "xyz", 3), EPIPE);
    close(p[1]);

    CHECK(signal(SIGPIPE, SIG_DFL) != SIG_ERR);
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    CHECK_OK(pipe(p));
    CHECK_OK(close(p[0]));
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK_OK(sigpending(&pend));
    CHECK(sigismember(&pend, SIGPIPE));
    /* Take the pending signal without dying. */
    int sig = 0;
    CHECK_EQ(sigwait(&set, &sig), 0);
    CHECK_EQ(sig, SIGPIPE);
    PASS();
}
