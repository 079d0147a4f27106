/* pthread_getspecific returns each thread's own value; new threads start
 * with NULL. */
#include "tt.h"

static pthread_key_t key;
static pthread_barrier_t bar;

static void *fn(void *arg)
{
    if (pthread_getspecific(key) != 0)
        return (void *)1;
    pthread_setspecific(key, arg);
    pthread_barrier_wait(&bar);
    return pthread_getspecific(key) == arg ? 0 : (void *)2;
}

int main(void)
{
    pthread_t t[4];
    void *r;
    CHECK_PT(pthread_key_create(&key, 0));
    CHECK_PT(pthread_setspecific(key, (void *)99));
    CHECK_PT(pthread_barrier_init(&bar, 0, 4));
    for (long i = 0; i < 4; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, (void *)(i + 10)));
    for (int i = 0; i < 4; i++) {
        CHECK_PT(pthread_join(t[i], &r));
        CHECK_EQ((long)r, 0);
    }
    CHECK_EQ((long)pthread_getspecific(key), 99);
    PASS();
}
