/* 1000 threads are created and joined, 50 at a time: ids and stacks are
 * recycled and every thread runs exactly once. */
#include "tt.h"

#define TOTAL 1000
#define BATCH 50

static int ran[TOTAL];

static void *fn(void *arg)
{
    __atomic_add_fetch(&ran[(long)arg], 1, __ATOMIC_SEQ_CST);
    return arg;
}

int main(void)
{
    pthread_t t[BATCH];
    pthread_attr_t a;
    CHECK_PT(pthread_attr_init(&a));
    CHECK_PT(pthread_attr_setstacksize(&a, 64 * 1024));
    for (long base = 0; base < TOTAL; base += BATCH) {
        for (long i = 0; i < BATCH; i++)
            CHECK_PT(pthread_create(&t[i], &a, fn, (void *)(base + i)));
        for (long i = 0; i < BATCH; i++) {
            void *r;
            CHECK_PT(pthread_join(t[i], &r));
            CHECK_EQ((long)r, base + i);
        }
    }
    for (int i = 0; i < TOTAL; i++)
        CHECK_EQ(ran[i], 1);
    PASS();
}
