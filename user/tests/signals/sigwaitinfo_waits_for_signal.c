/* sigwaitinfo blocks until a signal of the set is sent (by another thread
 * with sigqueue here) and returns it with its siginfo. */
#include "st.h"

static void *sender(void *arg)
{
    union sigval v = {.sival_int = 4242};
    sleep_ms(50);
    sigqueue(getpid(), SIGRTMIN + 5, v);
    return 0;
}

int main(void)
{
    sigset_t set;
    siginfo_t si;
    pthread_t t;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 5);
    block(SIGRTMIN + 5); /* inherited by the sender: only sigwaitinfo takes it */
    CHECK_PT(pthread_create(&t, 0, sender, 0));
    int r;
    while ((r = sigwaitinfo(&set, &si)) == -1 && errno == EINTR)
        ;
    CHECK_EQ(r, SIGRTMIN + 5);
    CHECK_EQ(si.si_code, SI_QUEUE);
    CHECK_EQ(si.si_value.sival_int, 4242);
    CHECK_EQ(si.si_pid, getpid());
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
