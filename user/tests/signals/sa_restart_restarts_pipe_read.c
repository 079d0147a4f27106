/* With SA_RESTART, a read() blocked on an empty pipe is transparently
 * restarted after the handler runs and returns the data written later.
 * A helper thread signals the reader several times, then writes. */
#include "st.h"

static int fds[2];
static pthread_t reader;
static volatile int handled;

static void h(int sig) { handled++; }

static void *helper(void *arg)
{
    for (int i = 0; i < 3; i++) {
        sleep_ms(50);
        pthread_kill(reader, SIGUSR1);
    }
    sleep_ms(50);
    write(fds[1], "z", 1);
    return 0;
}

int main(void)
{
    pthread_t t;
    char c = 0;
    CHECK_OK(pipe(fds));
    on_signal(SIGUSR1, h, SA_RESTART);
    reader = pthread_self();
    CHECK_PT(pthread_create(&t, 0, helper, 0));
    ssize_t n = read(fds[0], &c, 1);
    CHECK_EQ(n, 1);
    CHECK_EQ(c, 'z');
    CHECK_EQ(handled, 3);
    CHECK_PT(pthread_join(t, 0));
    PASS();
}
