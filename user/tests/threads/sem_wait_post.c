/* sem_post wakes sem_wait: a producer posts N items and a consumer thread
 * takes exactly N, blocking when none are available. */
#include "tt.h"
#include <semaphore.h>

#define N 1000

static sem_t items;
static volatile int consumed;

static void *consumer(void *arg)
{
    for (int i = 0; i < N; i++) {
        while (sem_wait(&items) == -1)
            if (errno != EINTR)
                return (void *)1;
        consumed++;
    }
    return 0;
}

int main(void)
{
    pthread_t t;
    void *r;
    int v;
    CHECK_OK(sem_init(&items, 0, 0));
    CHECK_PT(pthread_create(&t, 0, consumer, 0));
    for (int i = 0; i < N; i++) {
        CHECK_OK(sem_post(&items));
        if ((i & 63) == 0)
            sched_yield();
    }
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, 0);
    CHECK_EQ(consumed, N);
    CHECK_OK(sem_getvalue(&items, &v));
    CHECK_EQ(v, 0);
    PASS();
}
