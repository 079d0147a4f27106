/* A cancelled thread runs its cleanup handlers, last pushed first, before
 * it ends; handlers popped earlier do not run. The thread blocks in
 * pthread_cond_wait (a cancellation point) and the handler unlocks the
 * mutex it reacquired. */
#include "st.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int order[4], n;
static volatile int waiting;

static void record(void *arg)
{
    order[n++] = (int)(long)arg;
}

static void unlock(void *arg)
{
    order[n++] = 9;
    pthread_mutex_unlock(&m);
}

static void *fn(void *arg)
{
    pthread_cleanup_push(record, (void *)1);
    pthread_cleanup_push(record, (void *)2);
    pthread_cleanup_push(record, (void *)5);
    pthread_cleanup_pop(0); /* removed without running */
    pthread_mutex_lock(&m);
    pthread_cleanup_push(unlock, 0);
    waiting = 1;
    for (;;)
        pthread_cond_wait(&c, &m);
    pthread_cleanup_pop(1);
    pthread_cleanup_pop(1);
    pthread_cleanup_pop(1);
    return 0;
}

int main(void)
{
    pthread_t t;
    void *r;
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    while (!waiting)
        sleep_ms(1);
    sleep_ms(20);
    CHECK_PT(pthread_cancel(t));
    CHECK_PT(pthread_join(t, &r));
    CHECK(r == PTHREAD_CANCELED);
    CHECK_EQ(n, 3);
    CHECK_EQ(order[0], 9);
    CHECK_EQ(order[1], 2);
    CHECK_EQ(order[2], 1);
    CHECK_PT(pthread_mutex_trylock(&m)); /* released by the handler */
    PASS();
}
