/* pthread_self in a thread equals the id pthread_create returned, and
 * pthread_equal tells threads apart. */
#include "tt.h"

static pthread_t seen;

static void *fn(void *arg)
{
    seen = pthread_self();
    return 0;
}

int main(void)
{
    pthread_t t, me = pthread_self();
    CHECK(pthread_equal(me, pthread_self()));
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    CHECK_PT(pthread_join(t, 0));
    CHECK(pthread_equal(seen, t));
    CHECK(!pthread_equal(seen, me));
    PASS();
}
