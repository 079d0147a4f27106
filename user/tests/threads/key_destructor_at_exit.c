/* A pthread key destructor runs at thread exit, in the exiting thread, with
 * the thread's value; it does not run for NULL values. */
#include "tt.h"

static pthread_key_t key;
static volatile int calls;
static volatile long got_value;
static volatile pid_t dtor_tid;

static void dtor(void *v)
{
    calls++;
    got_value = (long)v;
    dtor_tid = gettid_();
}

static void *fn(void *arg)
{
    pthread_setspecific(key, (void *)0x55);
    return (void *)(long)gettid_();
}

static void *fn_null(void *arg)
{
    pthread_setspecific(key, 0);
    return 0;
}

int main(void)
{
    pthread_t t;
    void *tid;
    CHECK_PT(pthread_key_create(&key, dtor));
    CHECK_PT(pthread_create(&t, 0, fn, 0));
    CHECK_PT(pthread_join(t, &tid));
    CHECK_EQ(calls, 1);
    CHECK_EQ(got_value, 0x55);
    CHECK_EQ(dtor_tid, (long)tid);
    CHECK(dtor_tid != gettid_());
    CHECK_PT(pthread_create(&t, 0, fn_null, 0));
    CHECK_PT(pthread_join(t, 0));
    CHECK_EQ(calls, 1);
    PASS();
}
