/* pthread_mutex_trylock on a mutex held by another thread returns EBUSY,
 * and succeeds once it is released. */
#include "tt.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *try(void *arg)
{
    return (void *)(long)pthread_mutex_trylock(&m);
}

int main(void)
{
    pthread_t t;
    void *r;
    CHECK_PT(pthread_mutex_lock(&m));
    CHECK_PT(pthread_create(&t, 0, try, 0));
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, EBUSY);
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_PT(pthread_create(&t, 0, try, 0));
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, 0);
    PASS();
}
