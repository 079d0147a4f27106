/* pthread_join returns the value the thread function returned. */
#include "tt.h"

static void *fn(void *arg)
{
    return (void *)((long)arg * 2 + 1);
}

int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, (void *)i));
    for (long i = 0; i < 4; i++) {
        void *ret = 0;
        CHECK_PT(pthread_join(t[i], &ret));
        CHECK_EQ((long)ret, i * 2 + 1);
    }
    PASS();
}
