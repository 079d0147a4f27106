/* sigaltstack: an SA_ONSTACK handler runs on the alternate stack and sees
 * SS_ONSTACK; a handler without SA_ONSTACK does not; changing the stack
 * while on it is EPERM; a stack below MINSIGSTKSZ is ENOMEM; SS_DISABLE
 * turns it off. */
#include "st.h"

static char alt[65536];
static volatile int on_alt, onstack_flag, eperm;

static void h(int sig)
{
    volatile char here;
    stack_t cur, ss;
    on_alt = (&here >= alt && &here < alt + sizeof alt);
    sigaltstack(0, &cur);
    onstack_flag = (cur.ss_flags & SS_ONSTACK) != 0;
    ss.ss_sp = alt;
    ss.ss_size = sizeof alt;
    ss.ss_flags = 0;
    eperm = (sigaltstack(&ss, 0) == -1 && errno == EPERM);
}

int main(void)
{
    stack_t ss, old;
    ss.ss_sp = alt;
    ss.ss_size = 1024;
    ss.ss_flags = 0;
    CHECK_ERR(sigaltstack(&ss, 0), ENOMEM);
    ss.ss_size = sizeof alt;
    CHECK_OK(sigaltstack(&ss, &old));
    CHECK(old.ss_flags & SS_DISABLE);
    CHECK_OK(sigaltstack(0, &old));
    CHECK(old.ss_sp == alt && old.ss_size == sizeof alt && old.ss_flags == 0);

    on_signal(SIGUSR1, h, SA_ONSTACK);
    raise(SIGUSR1);
    CHECK_EQ(on_alt, 1);
    CHECK_EQ(onstack_flag, 1);
    CHECK_EQ(eperm, 1);

    on_signal(SIGUSR1, h, 0);
    raise(SIGUSR1);
    CHECK_EQ(on_alt, 0);
    CHECK_EQ(onstack_flag, 0);

    ss.ss_flags = SS_DISABLE;
    CHECK_OK(sigaltstack(&ss, 0));
    CHECK_OK(sigaltstack(0, &old));
    CHECK(old.ss_flags & SS_DISABLE);
    on_signal(SIGUSR1, h, SA_ONSTACK);
    raise(SIGUSR1);
    CHECK_EQ(on_alt, 0);
    PASS();
}
