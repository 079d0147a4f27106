/* During a handler the signal itself and its sa_mask are blocked (on top
 * of the previous mask); the previous mask is restored on return. */
#include "st.h"

static volatile int self_blocked, usr2_blocked, rt_blocked;

static void h(int sig)
{
    self_blocked = is_blocked(SIGUSR1);
    usr2_blocked = is_blocked(SIGUSR2);
    rt_blocked = is_blocked(SIGRTMIN + 4);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK_OK(sigaction(SIGUSR1, &sa, 0));
    block(SIGRTMIN + 4);
    raise(SIGUSR1);
    CHECK_EQ(self_blocked, 1);
    CHECK_EQ(usr2_blocked, 1);
    CHECK_EQ(rt_blocked, 1);
    CHECK(!is_blocked(SIGUSR1));
    CHECK(!is_blocked(SIGUSR2));
    CHECK(is_blocked(SIGRTMIN + 4));
    PASS();
}
