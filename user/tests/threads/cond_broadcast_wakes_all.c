/* pthread_cond_broadcast wakes every waiter (each re-checks the predicate
 * once: a waiter left asleep would hang the join, caught by a timeout). */
#include "tt.h"

#define N 6

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int go, waiting, woke;

static void *fn(void *arg)
{
    struct timespec dl;
    int r = 0;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += 20;
    pthread_mutex_lock(&m);
    waiting++;
    while (!go && r == 0)
        r = pthread_cond_timedwait(&c, &m, &dl);
    if (r == 0)
        woke++;
    pthread_mutex_unlock(&m);
    return (void *)(long)r;
}

int main(void)
{
    pthread_t t[N];
    void *r;
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, 0));
    for (;;) {
        pthread_mutex_lock(&m);
        int w = waiting;
        pthread_mutex_unlock(&m);
        if (w == N)
            break;
        sleep_ms(1);
    }
    pthread_mutex_lock(&m);
    go = 1;
    CHECK_PT(pthread_cond_broadcast(&c));
    pthread_mutex_unlock(&m);
    for (int i = 0; i < N; i++) {
        CHECK_PT(pthread_join(t[i], &r));
        CHECK_EQ((long)r, 0);
    }
    CHECK_EQ(woke, N);
    PASS();
}
