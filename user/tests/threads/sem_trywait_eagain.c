/* sem_trywait on a zero semaphore fails with EAGAIN; it takes a unit when
 * one is available. */
#include "tt.h"
#include <semaphore.h>

int main(void)
{
    sem_t s;
    int v;
    CHECK_OK(sem_init(&s, 0, 2));
    CHECK_OK(sem_trywait(&s));
    CHECK_OK(sem_trywait(&s));
    CHECK_ERR(sem_trywait(&s), EAGAIN);
    CHECK_OK(sem_getvalue(&s, &v));
    CHECK_EQ(v, 0);
    CHECK_OK(sem_post(&s));
    CHECK_OK(sem_trywait(&s));
    CHECK_ERR(sem_trywait(&s), EAGAIN);
    PASS();
}
