/* The signal mask is per thread: a new thread starts with its creator's
 * mask, and changes it makes are not seen by other threads. */
#include "st.h"

static void *fn(void *arg)
{
    if (!is_blocked(SIGUSR1) || is_blocked(SIGUSR2))
        return (void *)1; /* not inherited */
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, 0);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &s, 0);
    return (is_blocked(SIGUSR2) && !is_blocked(SIGUSR1)) ? 0 : (void *)2;
}

int main(void)
{
    pthread_t t;
    void *r;
    block(SIGUSR1);
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, 0);
    CHECK(is_blocked(SIGUSR1));
    CHECK(!is_blocked(SIGUSR2));
    PASS();
}
