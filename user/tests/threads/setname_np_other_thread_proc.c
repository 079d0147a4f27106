/* Needs /proc: pthread_setname_np / getname_np on ANOTHER thread go
 * through /proc/self/task/<tid>/comm under musl. The target thread sees
 * the new name with PR_GET_NAME. */
#include "tt.h"
#include <sys/prctl.h>

static pthread_barrier_t bar;

static void *fn(void *arg)
{
    char got[16] = {0};
    pthread_barrier_wait(&bar); /* named by main */
    prctl(PR_GET_NAME, (unsigned long)got, 0, 0, 0);
    pthread_barrier_wait(&bar);
    return strcmp(got, "renamed") == 0 ? 0 : (void *)1;
}

int main(void)
{
    pthread_t t;
    void *r;
    char got[16];
    CHECK_PT(pthread_barrier_init(&bar, 0, 2));
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    CHECK_PT(pthread_setname_np(t, "renamed"));
    CHECK_PT(pthread_getname_np(t, got, sizeof got));
    CHECK(strcmp(got, "renamed") == 0);
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, 0);
    PASS();
}
