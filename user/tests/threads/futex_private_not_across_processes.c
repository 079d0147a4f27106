/* Private futexes are per process: on a MAP_SHARED word, a child's
 * FUTEX_WAIT_PRIVATE is not found by the parent's FUTEX_WAKE_PRIVATE,
 * while a shared FUTEX_WAIT is found by a shared FUTEX_WAKE. */
#include "tt.h"

int main(void)
{
    volatile int *w = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(w != MAP_FAILED);
    w[0] = 0; /* the word */
    w[1] = 0; /* child progress */
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        struct timespec ts = {0, 300 * 1000000L};
        w[1] = 1;
        long r = futex(&w[0], FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts, 0, 0);
        if (r != -1 || errno != ETIMEDOUT)
            _exit(1); /* the parent's private wake must not reach us */
        w[1] = 2;
        while (futex(&w[0], FUTEX_WAIT, 0, 0, 0, 0) != 0)
            ;
        _exit(0);
    }
    while (w[1] != 1)
        sleep_ms(1);
    sleep_ms(50);
    CHECK_EQ(futex(&w[0], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), 0);
    while (w[1] != 2)
        sleep_ms(1);
    long long dl = now_ns(CLOCK_MONOTONIC) + 20000000000LL;
    while (futex(&w[0], FUTEX_WAKE, 1, 0, 0, 0) != 1) {
        CHECK(now_ns(CLOCK_MONOTONIC) < dl);
        sleep_ms(5);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
