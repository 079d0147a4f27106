/* pthread_cond_signal wakes a thread blocked in pthread_cond_wait. */
#include "tt.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready, waiting, woke;

static void *fn(void *arg)
{
    pthread_mutex_lock(&m);
    waiting = 1;
    while (!ready)
        pthread_cond_wait(&c, &m);
    woke = 1;
    pthread_mutex_unlock(&m);
    return 0;
}

int main(void)
{
    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    for (;;) {
        pthread_mutex_lock(&m);
        int w = waiting;
        pthread_mutex_unlock(&m);
        if (w)
            break;
        sched_yield();
    }
    sleep_ms(20);
    pthread_mutex_lock(&m);
    CHECK_EQ(woke, 0);
    ready = 1;
    CHECK_PT(pthread_cond_signal(&c));
    pthread_mutex_unlock(&m);
    CHECK_PT(pthread_join(t, 0));
    CHECK_EQ(woke, 1);
    PASS();
}
