/* A robust mutex whose owner thread exits while holding it: the next locker
 * gets EOWNERDEAD and owns it; after pthread_mutex_consistent it works
 * normally. (The owner ends with pthread_exit.) */
#include "tt.h"

static pthread_mutex_t m;

static void *hold_and_exit(void *arg)
{
    pthread_mutex_lock(&m);
    pthread_exit(0);
}

int main(void)
{
    pthread_mutexattr_t a;
    pthread_t t;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST));
    CHECK_PT(pthread_mutex_init(&m, &a));
    CHECK_PT(pthread_create(&t, 0, hold_and_exit, 0));
    CHECK_PT(pthread_join(t, 0));
    CHECK_EQ(pthread_mutex_lock(&m), EOWNERDEAD);
    CHECK_PT(pthread_mutex_consistent(&m));
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_PT(pthread_mutex_lock(&m));
    CHECK_PT(pthread_mutex_unlock(&m));
    PASS();
}
