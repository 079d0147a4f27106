/* Unlocking an error-checking mutex held by another thread, or not held at
 * all, returns EPERM and leaves it held. */
#include "tt.h"

static pthread_mutex_t m;

static void *unlock_it(void *arg)
{
    return (void *)(long)pthread_mutex_unlock(&m);
}

int main(void)
{
    pthread_mutexattr_t a;
    pthread_t t;
    void *r;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK));
    CHECK_PT(pthread_mutex_init(&m, &a));
    CHECK_EQ(pthread_mutex_unlock(&m), EPERM);
    CHECK_PT(pthread_mutex_lock(&m));
    CHECK_PT(pthread_create(&t, 0, unlock_it, 0));
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, EPERM);
    CHECK_EQ(pthread_mutex_lock(&m), EDEADLK); /* still ours */
    CHECK_PT(pthread_mutex_unlock(&m));
    PASS();
}
