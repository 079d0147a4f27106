/* All threads of a process share getpid(); each has its own gettid(), and
 * only the main thread's TID equals the pid. */
#include "tt.h"

#define N 4

static pid_t pids[N], tids[N];

static void *fn(void *arg)
{
    long i = (long)arg;
    pids[i] = getpid();
    tids[i] = gettid_();
    return 0;
}

int main(void)
{
    pthread_t t[N];
    for (long i = 0; i < N; i++)
        CHECK_PT(pthread_create(&t[i], 0, fn, (void *)i));
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_join(t[i], 0));
    for (int i = 0; i < N; i++) {
        CHECK_EQ(pids[i], getpid());
        CHECK(tids[i] > 0);
        CHECK(tids[i] != getpid());
        for (int j = 0; j < i; j++)
            CHECK(tids[i] != tids[j]);
    }
    PASS();
}
