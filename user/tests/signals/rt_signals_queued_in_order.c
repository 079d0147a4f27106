/* Real-time signals queue: several instances of one RT signal are all
 * delivered, in the order sent, each with its own sigqueue value; and a
 * lower-numbered RT signal is delivered before a higher one.
 * Each handler blocks both signals (sa_mask) so that handlers run one at a
 * time: otherwise the kernel stacks several frames at once and the last
 * one set up runs first. */
#include "st.h"

static int order_sig[16], order_val[16];
static volatile int n;

static void h(int sig, siginfo_t *si, void *uc)
{
    if (n < 16) {
        order_sig[n] = sig;
        order_val[n] = si->si_value.sival_int;
    }
    n++;
}

int main(void)
{
    int lo = SIGRTMIN + 1, hi = SIGRTMIN + 6;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, lo);
    sigaddset(&sa.sa_mask, hi);
    CHECK_OK(sigaction(lo, &sa, 0));
    CHECK_OK(sigaction(hi, &sa, 0));
    block(lo);
    block(hi);
    for (int i = 1; i <= 3; i++)
        CHECK_OK(sigqueue(getpid(), hi, (union sigval){.sival_int = 100 + i}));
    for (int i = 1; i <= 5; i++)
        CHECK_OK(sigqueue(getpid(), lo, (union sigval){.sival_int = i}));
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, lo);
    sigaddset(&both, hi);
    CHECK_PT(pthread_sigmask(SIG_UNBLOCK, &both, 0));
    CHECK_EQ(n, 8);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(order_sig[i], lo);
        CHECK_EQ(order_val[i], i + 1);
    }
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(order_sig[5 + i], hi);
        CHECK_EQ(order_val[5 + i], 101 + i);
    }
    PASS();
}
