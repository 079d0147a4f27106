/* A thread detached with pthread_detach still runs to completion. */
#include "tt.h"
#include <semaphore.h>

static sem_t done;
static volatile int ran;

static void *fn(void *arg)
{
    sleep_ms(20);
    ran = 1;
    sem_post(&done);
    return 0;
}

int main(void)
{
    pthread_t t;
    CHECK_OK(sem_init(&done, 0, 0));
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    CHECK_PT(pthread_detach(t));
    while (sem_wait(&done) == -1 && errno == EINTR)
        ;
    CHECK_EQ(ran, 1);
    PASS();
}
