/* futex_waitv entries without FUTEX2_PRIVATE are shared futexes: a child
 * waiting on two words of a MAP_SHARED page is woken by its parent's plain
 * (shared) FUTEX_WAKE on the second word, which counts one woken waiter,
 * and the call returns 1. The parent's FUTEX_WAKE_PRIVATE on the same
 * word does not reach it. Fails on weft before futex_waitv existed
 * (ENOSYS); passes on Linux. */
#include "tt.h"

int main(void)
{
    volatile int *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    /* m[0], m[1]: the words; m[2]: the child is about to wait. */
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        struct futex_waitv w[2];
        waitv_set(&w[0], &m[0], 0, FUTEX2_SIZE_U32);
        waitv_set(&w[1], &m[1], 0, FUTEX2_SIZE_U32);
        m[2] = 1;
        long r = futex_waitv(w, 2, 0, 0, 0);
        _exit(r >= 0 ? (int)r : 100 + errno);
    }
    while (m[2] != 1)
        sleep_ms(1);
    sleep_ms(50);
    CHECK_EQ(futex(&m[1], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), 0);
    long long dl = now_ns(CLOCK_MONOTONIC) + 20000000000LL;
    long r;
    while ((r = futex(&m[1], FUTEX_WAKE, 5, 0, 0, 0)) == 0) {
        CHECK(now_ns(CLOCK_MONOTONIC) < dl);
        sleep_ms(5);
    }
    CHECK_EQ(r, 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 1);
    CHECK_EQ(futex(&m[0], FUTEX_WAKE, 5, 0, 0, 0), 0);
    PASS();
}
