/* Without SA_RESTART, a read() blocked on an empty pipe fails with EINTR
 * once a handled signal arrives. The helper keeps signalling until the
 * read returns (a signal that lands before the read blocks is harmless). */
#include "st.h"

static int fds[2];
static pthread_t reader;
static volatile int handled, done;

static void h(int sig) { handled++; }

static void *helper(void *arg)
{
    while (!done) {
        sleep_ms(30);
        if (!done)
            pthread_kill(reader, SIGUSR1);
    }
    return 0;
}

int main(void)
{
    pthread_t t;
    char c;
    CHECK_OK(pipe(fds));
    on_signal(SIGUSR1, h, 0);
    reader = pthread_self();
    CHECK_PT(pthread_create(&t, 0, helper, 0));
    CHECK_ERR(read(fds[0], &c, 1), EINTR);
    done = 1;
    CHECK(handled >= 1);
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
