/* New threads see the initial values of __thread variables (.tdata) and
 * zero for uninitialised ones (.tbss), whatever the creator changed. */
#include "tt.h"

static __thread int inited = 42;
static __thread char buf[64] = "weft";
static __thread long zeroed[32];

static void *fn(void *arg)
{
    if (inited != 42 || strcmp(buf, "weft") != 0)
        return (void *)1;
    for (int i = 0; i < 32; i++)
        if (zeroed[i] != 0)
            return (void *)2;
    inited = 7;
    return 0;
}

int main(void)
{
    void *r;
    pthread_t t;
    inited = 1;
    strcpy(buf, "changed");
    for (int i = 0; i < 32; i++)
        zeroed[i] = i + 1;
    for (int k = 0; k < 2; k++) {
        CHECK_PT(pthread_create(&t, 0, fn, 0));
        CHECK_PT(pthread_join(t, &r));
        CHECK_EQ((long)r, 0);
    }
    CHECK_EQ(inited, 1);
    CHECK(strcmp(buf, "changed") == 0);
    PASS();
}
