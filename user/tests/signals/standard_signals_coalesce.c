/* A standard signal sent many times while blocked is pending once: the
 * handler runs a single time on unblock, whether it was sent to the
 * process (kill, sigqueue) or to the thread (tgkill). As on Linux, the
 * process-wide and the per-thread pending sets are separate, so one
 * process-directed plus one thread-directed instance give two runs. */
#include "st.h"

static volatile int calls;
static void h(int sig) { calls++; }

int main(void)
{
    on_signal(SIGUSR1, h, 0);
    block(SIGUSR1);
    for (int i = 0; i < 5; i++) {
        CHECK_OK(kill(getpid(), SIGUSR1));
        CHECK_OK(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = i}));
    }
    unblock(SIGUSR1);
    CHECK_EQ(calls, 1);

    calls = 0;
    block(SIGUSR1);
    for (int i = 0; i < 5; i++)
        CHECK_OK(tgkill_(getpid(), gettid_(), SIGUSR1));
    unblock(SIGUSR1);
    CHECK_EQ(calls, 1);

    calls = 0;
    block(SIGUSR1);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_OK(tgkill_(getpid(), gettid_(), SIGUSR1));
    CHECK_OK(kill(getpid(), SIGUSR1));
    unblock(SIGUSR1);
    CHECK_EQ(calls, 2);
    PASS();
}
