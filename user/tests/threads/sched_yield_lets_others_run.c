/* sched_yield returns 0, and a thread spinning on sched_yield lets the
 * other threads make progress (all pinned to one CPU when possible). */
#include "tt.h"

static volatile int turn;

static void *player(void *arg)
{
    long me = (long)arg;
    for (int round = 0; round < 200; round++) {
        while (turn % 2 != me)
            if (sched_yield() != 0)
                return (void *)1;
        turn++;
    }
    return 0;
}

int main(void)
{
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof one, &one); /* inherited by the threads */
    CHECK_EQ(sched_yield(), 0);
    pthread_t a, b;
    void *ra, *rb;
    CHECK_PT(pthread_create(&a, 0, player, (void *)0L));
    CHECK_PT(pthread_create(&b, 0, player, (void *)1L));
    CHECK_PT(pthread_join(a, &ra));
    CHECK_PT(pthread_join(b, &rb));
    CHECK_EQ((long)ra, 0);
    CHECK_EQ((long)rb, 0);
    CHECK_EQ(turn, 400);
    PASS();
}
