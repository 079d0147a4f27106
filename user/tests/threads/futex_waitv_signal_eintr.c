/* A signal whose handler lacks SA_RESTART ends a blocked futex_waitv
 * with EINTR after the handler ran. With SA_RESTART the call is restarted
 * instead and still returns the index of the word a later FUTEX_WAKE
 * picks. Fails on weft before futex_waitv existed (ENOSYS); passes on
 * Linux. */
#include "tt.h"

static volatile int words[2];
static volatile sig_atomic_t handled, done;
static pthread_t main_thread;

static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

/* Keeps signalling until the main thread's call returned: a signal that
 * lands before the call blocks only runs the handler. */
static void *interrupter(void *arg)
{
    (void)arg;
    while (!done) {
        pthread_kill(main_thread, SIGUSR1);
        sleep_ms(20);
    }
    return 0;
}

/* One signal, then a wake on word 1 once the handler ran. */
static void *signal_then_wake(void *arg)
{
    (void)arg;
    sleep_ms(50);
    pthread_kill(main_thread, SIGUSR1);
    while (!handled)
        sleep_ms(1);
    sleep_ms(30);
    long long dl = now_ns(CLOCK_MONOTONIC) + 20000000000LL;
    while (futex(&words[1], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0) != 1) {
        if (now_ns(CLOCK_MONOTONIC) > dl)
            return (void *)-1L;
        sleep_ms(5);
    }
    return 0;
}

static void install(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    CHECK_OK(sigaction(SIGUSR1, &sa, 0));
}

int main(void)
{
    struct futex_waitv w[2];
    waitv_set(&w[0], &words[0], 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE);
    waitv_set(&w[1], &words[1], 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE);
    main_thread = pthread_self();

    install(0);
    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, interrupter, 0));
    CHECK_ERR(futex_waitv(w, 2, 0, 0, 0), EINTR);
    done = 1;
    CHECK_PT(pthread_join(t, 0));
    CHECK(handled >= 1);

    /* With an absolute timeout too. */
    done = 0;
    long long dl = now_ns(CLOCK_MONOTONIC) + 60000000000LL;
    struct timespec ts = {dl / 1000000000LL, dl % 1000000000LL};
    CHECK_PT(pthread_create(&t, 0, interrupter, 0));
    CHECK_ERR(futex_waitv(w, 2, 0, &ts, CLOCK_MONOTONIC), EINTR);
    done = 1;
    CHECK_PT(pthread_join(t, 0));

    install(SA_RESTART);
    handled = 0;
    void *res;
    CHECK_PT(pthread_create(&t, 0, signal_then_wake, 0));
    CHECK_EQ(futex_waitv(w, 2, 0, 0, 0), 1);
    CHECK_PT(pthread_join(t, &res));
    CHECK_EQ((long)res, 0);
    CHECK_EQ(handled, 1);
    PASS();
}
