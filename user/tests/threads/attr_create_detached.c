/* Threads created with PTHREAD_CREATE_DETACHED run, exit and release their
 * resources: creating many of them in a row does not run out. */
#include "tt.h"
#include <semaphore.h>

static sem_t done;

static void *fn(void *arg)
{
    sem_post(&done);
    return 0;
}

int main(void)
{
    pthread_attr_t a;
    int st;
    CHECK_OK(sem_init(&done, 0, 0));
    CHECK_PT(pthread_attr_init(&a));
    CHECK_PT(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED));
    CHECK_PT(pthread_attr_getdetachstate(&a, &st));
    CHECK_EQ(st, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 200; i++) {
        pthread_t t;
        CHECK_PT(pthread_create(&t, &a, fn, 0));
        while (sem_wait(&done) == -1 && errno == EINTR)
            ;
    }
    PASS();
}
