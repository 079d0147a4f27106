/* PR_SET_NAME / PR_GET_NAME name the calling thread only: each thread
 * reads back its own name, the main thread's is unchanged, and names are
 * cut to 15 bytes plus NUL. */
#include "tt.h"
#include <sys/prctl.h>

static pthread_barrier_t bar;

static void *fn(void *arg)
{
    char got[16] = {0};
    prctl(PR_SET_NAME, (unsigned long)arg, 0, 0, 0);
    pthread_barrier_wait(&bar); /* all named */
    prctl(PR_GET_NAME, (unsigned long)got, 0, 0, 0);
    return strcmp(got, (char *)arg) == 0 ? 0 : (void *)1;
}

int main(void)
{
    char name[16] = {0}, got[32];
    pthread_t a, b;
    void *ra, *rb;
    CHECK_OK(prctl(PR_SET_NAME, (unsigned long)"mainthr", 0, 0, 0));
    CHECK_PT(pthread_barrier_init(&bar, 0, 3));
    CHECK_PT(pthread_create(&a, 0, fn, "alpha"));
    CHECK_PT(pthread_create(&b, 0, fn, "beta"));
    pthread_barrier_wait(&bar);
    CHECK_PT(pthread_join(a, &ra));
    CHECK_PT(pthread_join(b, &rb));
    CHECK_EQ((long)ra, 0);
    CHECK_EQ((long)rb, 0);
    CHECK_OK(prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0));
    CHECK(strcmp(name, "mainthr") == 0);
    CHECK_OK(prctl(PR_SET_NAME, (unsigned long)"0123456789abcdefXYZ", 0, 0, 0));
    memset(got, 'Q', sizeof got);
    CHECK_OK(prctl(PR_GET_NAME, (unsigned long)got, 0, 0, 0));
    CHECK(strcmp(got, "0123456789abcde") == 0);
    CHECK_EQ(got[16], 'Q'); /* writes exactly 16 bytes */
    PASS();
}
