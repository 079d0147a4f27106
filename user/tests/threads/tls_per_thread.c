/* A __thread variable has a separate instance in every thread. */
#include "tt.h"

static __thread long var;
static pthread_barrier_t bar;

static void *fn(void *arg)
{
    long id = (long)arg;
    var = id * 100;
    pthread_barrier_wait(&bar); /* all threads wrote their copy */
    if (var != id * 100)
        return (void *)1;
    if (&var == (long *)0)
        return (void *)2;
    return (void *)&var;
}

int main(void)
{
    pthread_t t[4];
    void *addr[4];
    var = -1;
    CHECK_PT(pthread_barrier_init(&bar, 0, 4));
    for (long i = 0; i < 4; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, (void *)(i + 1)));
    for (int i = 0; i < 4; i++) {
        CHECK_PT(pthread_join(t[i], &addr[i]));
        CHECK((unsigned long)addr[i] > 2);
        CHECK(addr[i] != (void *)&var);
        for (int j = 0; j < i; j++)
            CHECK(addr[i] != addr[j]);
    }
    CHECK_EQ(var, -1);
    PASS();
}
