/* pthread_barrier_wait returns PTHREAD_BARRIER_SERIAL_THREAD to exactly one
 * thread per round, 0 to the others, and nobody passes before all arrive. */
#include "tt.h"

#define N 5
#define ROUNDS 20

static pthread_barrier_t bar;
static volatile int serial[ROUNDS], arrived[ROUNDS], early;

static void *fn(void *arg)
{
    for (int r = 0; r < ROUNDS; r++) {
        __atomic_add_fetch(&arrived[r], 1, __ATOMIC_SEQ_CST);
        int ret = pthread_barrier_wait(&bar);
        if (__atomic_load_n(&arrived[r], __ATOMIC_SEQ_CST) != N)
            early = 1;
        if (ret == PTHREAD_BARRIER_SERIAL_THREAD)
            __atomic_add_fetch(&serial[r], 1, __ATOMIC_SEQ_CST);
        else if (ret != 0)
            return (void *)1;
    }
    return 0;
}

int main(void)
{
    pthread_t t[N];
    void *ret;
    CHECK_PT(pthread_barrier_init(&bar, 0, N));
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, 0));
    for (int i = 0; i < N; i++) {
        CHECK_PT(pthread_join(t[i], &ret));
        CHECK_EQ((long)ret, 0);
    }
    for (int r = 0; r < ROUNDS; r++)
        CHECK_EQ(serial[r], 1);
    CHECK_EQ(early, 0);
    CHECK_PT(pthread_barrier_destroy(&bar));
    PASS();
}
