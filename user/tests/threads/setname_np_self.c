/* pthread_setname_np / pthread_getname_np on the calling thread (musl does
 * these with prctl; other threads would need /proc): names round-trip per
 * thread, a name over 15 bytes is ERANGE, and so is a too small buffer. */
#include "tt.h"

static void *fn(void *arg)
{
    char got[16];
    if (pthread_setname_np(pthread_self(), "worker-1"))
        return (void *)1;
    if (pthread_getname_np(pthread_self(), got, sizeof got))
        return (void *)2;
    return strcmp(got, "worker-1") == 0 ? 0 : (void *)3;
}

int main(void)
{
    char got[16];
    pthread_t t;
    void *r;
    CHECK_PT(pthread_setname_np(pthread_self(), "main-name"));
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, 0);
    CHECK_PT(pthread_getname_np(pthread_self(), got, sizeof got));
    CHECK(strcmp(got, "main-name") == 0);
    CHECK_EQ(pthread_setname_np(pthread_self(), "0123456789abcdef"), ERANGE);
    CHECK_EQ(pthread_getname_np(pthread_self(), got, 4), ERANGE);
    CHECK_PT(pthread_getname_np(pthread_self(), got, sizeof got));
    CHECK(strcmp(got, "main-name") == 0);
    PASS();
}
