/* Two threads of the parent wait for the same single child: exactly one
 * reaps it, the other gets ECHILD. */
#include "tt.h"

static pid_t child;
static pthread_barrier_t bar;

static void *waiter(void *arg)
{
    int st;
    pthread_barrier_wait(&bar);
    pid_t r = waitpid(child, &st, 0);
    if (r == child)
        return (WIFEXITED(st) && WEXITSTATUS(st) == 5) ? (void *)1 : (void *)3;
    return errno == ECHILD ? (void *)2 : (void *)4;
}

int main(void)
{
    pthread_t a, b;
    void *ra, *rb;
    CHECK_PT(pthread_barrier_init(&bar, 0, 3));
    child = fork();
    CHECK_OK(child);
    if (child == 0) {
        sleep_ms(200);
        _exit(5);
    }
    CHECK_PT(pthread_create(&a, 0, waiter, 0));
    CHECK_PT(pthread_create(&b, 0, waiter, 0));
    pthread_barrier_wait(&bar);
    CHECK_PT(pthread_join(a, &ra));
    CHECK_PT(pthread_join(b, &rb));
    CHECK_EQ((long)ra + (long)rb, 3); /* one 1 (reaped), one 2 (ECHILD) */
    CHECK((long)ra == 1 || (long)rb == 1);
    PASS();
}
