/* A signal sent with tgkill to a thread that blocks it stays pending on
 * that thread: other threads that do not block it never take it, only the
 * target's sigpending shows it, and it is delivered there when the target
 * unblocks. */
#include "st.h"

static volatile pid_t handler_tid, target_tid;
static volatile int calls, sent, other_sees_pending = -1, stop;

static void h(int sig)
{
    handler_tid = gettid_();
    calls++;
}

static void *target(void *arg)
{
    sigset_t p;
    block(SIGUSR1);
    target_tid = gettid_();
    while (!sent)
        sleep_ms(1);
    sleep_ms(50);
    sigpending(&p);
    if (!sigismember(&p, SIGUSR1))
        return (void *)1;
    unblock(SIGUSR1);
    return 0;
}

static void *other(void *arg)
{
    sigset_t p;
    while (!sent)
        sleep_ms(1);
    sleep_ms(20);
    sigpending(&p);
    other_sees_pending = sigismember(&p, SIGUSR1);
    while (!stop)
        sleep_ms(2);
    return 0;
}

int main(void)
{
    pthread_t a, b;
    void *r;
    on_signal(SIGUSR1, h, 0);
    CHECK_PT(pthread_create(&a, 0, target, 0));
    CHECK_PT(pthread_create(&b, 0, other, 0));
    while (!target_tid)
        sleep_ms(1);
    CHECK_OK(tgkill_(getpid(), target_tid, SIGUSR1));
    sent = 1;
    CHECK_PT(pthread_join(a, &r));
    CHECK_EQ((long)r, 0);
    stop = 1;
    CHECK_PT(pthread_join(b, 0));
    CHECK_EQ(calls, 1);
    CHECK_EQ(handler_tid, target_tid);
    CHECK_EQ(other_sees_pending, 0);
    PASS();
}
