/* pthread_once runs the init routine exactly once even when 8 threads race,
 * and every caller returns only after it finished. */
#include "tt.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int calls, finished;
static pthread_barrier_t bar;
static volatile int bad;

static void init(void)
{
    __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
    sleep_ms(30);
    finished = 1;
}

static void *fn(void *arg)
{
    pthread_barrier_wait(&bar);
    pthread_once(&once, init);
    if (!finished)
        bad = 1;
    return 0;
}

int main(void)
{
    pthread_t t[8];
    CHECK_PT(pthread_barrier_init(&bar, 0, 8));
    for (int i = 0; i < 8; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, 0));
    for (int i = 0; i < 8; i++)
        CHECK_PT(pthread_join(t[i], 0));
    CHECK_EQ(calls, 1);
    CHECK_EQ(bad, 0);
    PASS();
}
