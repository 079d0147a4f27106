/* pthread_exit from a nested call ends the thread; join gets its value and
 * the code after the call never runs. */
#include "tt.h"

static volatile int after_exit;

static void inner(void)
{
    pthread_exit((void *)0x1234);
}

static void *fn(void *arg)
{
    inner();
    after_exit = 1;
    return 0;
}

int main(void)
{
    pthread_t t;
    void *ret = 0;
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    CHECK_PT(pthread_join(t, &ret));
    CHECK_EQ((long)ret, 0x1234);
    CHECK_EQ(after_exit, 0);
    PASS();
}
