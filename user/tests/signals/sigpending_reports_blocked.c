/* sigpending reports exactly the blocked signals that were sent; they are
 * delivered (and leave the set) when unblocked. */
#include "st.h"

static volatile int got1, got2;
static void h(int sig)
{
    if (sig == SIGUSR1)
        got1++;
    else
        got2++;
}

int main(void)
{
    sigset_t p;
    on_signal(SIGUSR1, h, 0);
    on_signal(SIGUSR2, h, 0);
    block(SIGUSR1);
    block(SIGUSR2);
    CHECK_OK(sigpending(&p));
    CHECK(!sigismember(&p, SIGUSR1));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_OK(sigpending(&p));
    CHECK(sigismember(&p, SIGUSR1));
    CHECK(!sigismember(&p, SIGUSR2));
    CHECK_EQ(got1, 0);
    unblock(SIGUSR1);
    CHECK_EQ(got1, 1);
    CHECK_OK(sigpending(&p));
    CHECK(!sigismember(&p, SIGUSR1));
    CHECK_EQ(got2, 0);
    PASS();
}
