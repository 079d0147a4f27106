/* A recursive mutex can be locked repeatedly by its owner and stays held
 * (other threads get EBUSY) until unlocked as many times. */
#include "tt.h"

static pthread_mutex_t m;

static void *try(void *arg)
{
    int r = pthread_mutex_trylock(&m);
    if (r == 0)
        pthread_mutex_unlock(&m);
    return (void *)(long)r;
}

static long try_other(void)
{
    pthread_t t;
    void *r;
    CHECK_PT(pthread_create(&t, 0, try, 0));
    CHECK_PT(pthread_join(t, &r));
    return (long)r;
}

int main(void)
{
    pthread_mutexattr_t a;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE));
    CHECK_PT(pthread_mutex_init(&m, &a));
    CHECK_PT(pthread_mutex_lock(&m));
    CHECK_PT(pthread_mutex_lock(&m));
    CHECK_PT(pthread_mutex_trylock(&m));
    CHECK_EQ(try_other(), EBUSY);
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_EQ(try_other(), EBUSY);
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_EQ(try_other(), 0);
    CHECK_EQ(pthread_mutex_unlock(&m), EPERM);
    PASS();
}
