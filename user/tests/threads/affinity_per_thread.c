/* CPU affinity is per thread: a thread pinning itself to CPU 0 does not
 * change the main thread's mask; a new thread inherits its creator's. */
#include "tt.h"

static cpu_set_t before;

static void *pin(void *arg)
{
    cpu_set_t s, got;
    CPU_ZERO(&got);
    sched_getaffinity(0, sizeof got, &got);
    if (!CPU_EQUAL(&got, &before))
        return (void *)1;
    CPU_ZERO(&s);
    CPU_SET(0, &s);
    if (sched_setaffinity(0, sizeof s, &s))
        return (void *)2;
    sched_getaffinity(0, sizeof got, &got);
    return CPU_COUNT(&got) == 1 ? 0 : (void *)3;
}

int main(void)
{
    cpu_set_t after;
    pthread_t t;
    void *r;
    CHECK_OK(sched_getaffinity(0, sizeof before, &before));
    CHECK_PT(pthread_create(&t, 0, pin, 0));
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, 0);
    CHECK_OK(sched_getaffinity(0, sizeof after, &after));
    CHECK(CPU_EQUAL(&after, &before));
    PASS();
}
