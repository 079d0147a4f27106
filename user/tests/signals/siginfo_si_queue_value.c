/* sigqueue() delivers si_code SI_QUEUE with the sender's pid/uid and the
 * si_value it was given. */
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
    union sigval v;
    on_siginfo(SIGRTMIN + 1, h, 0);
    on_siginfo(SIGUSR1, h, 0);
    v.sival_ptr = (void *)0x123456789abcULL;
    CHECK_OK(sigqueue(getpid(), SIGRTMIN + 1, v));
    CHECK_EQ(calls, 1);
    CHECK_EQ(got.si_signo, SIGRTMIN + 1);
    CHECK_EQ(got.si_code, SI_QUEUE);
    CHECK_EQ(got.si_pid, getpid());
    CHECK_EQ(got.si_uid, getuid());
    CHECK_EQ((unsigned long)got.si_value.sival_ptr, 0x123456789abcULL);
    v.sival_int = 77;
    CHECK_OK(sigqueue(getpid(), SIGUSR1, v)); /* standard signals too */
    CHECK_EQ(calls, 2);
    CHECK_EQ(got.si_code, SI_QUEUE);
    CHECK_EQ(got.si_value.sival_int, 77);
    PASS();
}
