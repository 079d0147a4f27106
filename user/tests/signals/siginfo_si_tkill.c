/* A signal sent with tgkill() (and raise(), which uses it) arrives with
 * si_code SI_TKILL and the sender's pid and uid. */
#include "st.h"

static volatile siginfo_t got;
static volatile int calls;

static void h(int sig, siginfo_t *si, void *uc)
{
    got = *si;
    calls++;
}

int main(void)
{
    on_siginfo(SIGUSR2, h, 0);
    CHECK_OK(tgkill_(getpid(), gettid_(), SIGUSR2));
    CHECK_EQ(calls, 1);
    CHECK_EQ(got.si_signo, SIGUSR2);
    CHECK_EQ(got.si_code, SI_TKILL);
    CHECK_EQ(got.si_pid, getpid());
    CHECK_EQ(got.si_uid, getuid());
    memset((void *)&got, 0, sizeof got);
    CHECK_OK(raise(SIGUSR2));
    CHECK_EQ(calls, 2);
    CHECK_EQ(got.si_code, SI_TKILL);
    CHECK_EQ(got.si_pid, getpid());
    PASS();
}
