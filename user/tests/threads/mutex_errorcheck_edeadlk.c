/* Relocking an error-checking mutex by its owner returns EDEADLK instead of
 * deadlocking. */
#include "tt.h"

int main(void)
{
    pthread_mutex_t m;
    pthread_mutexattr_t a;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK));
    CHECK_PT(pthread_mutex_init(&m, &a));
    CHECK_PT(pthread_mutex_lock(&m));
    CHECK_EQ(pthread_mutex_lock(&m), EDEADLK);
    CHECK_EQ(pthread_mutex_trylock(&m), EBUSY);
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_PT(pthread_mutex_lock(&m));
    CHECK_PT(pthread_mutex_unlock(&m));
    PASS();
}
