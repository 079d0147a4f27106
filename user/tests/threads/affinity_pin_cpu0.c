/* sched_setaffinity to CPU 0 only: sched_getaffinity then reports exactly
 * {0} and sched_getcpu() returns 0. An empty mask is EINVAL. */
#include "tt.h"

int main(void)
{
    cpu_set_t set, got;
    CPU_ZERO(&set);
    CHECK_ERR(sched_setaffinity(0, sizeof set, &set), EINVAL);
    CPU_SET(0, &set);
    CHECK_OK(sched_setaffinity(0, sizeof set, &set));
    CPU_ZERO(&got);
    CHECK_OK(sched_getaffinity(0, sizeof got, &got));
    CHECK_EQ(CPU_COUNT(&got), 1);
    CHECK(CPU_ISSET(0, &got));
    sched_yield();
    for (int i = 0; i < 20; i++) {
        CHECK_EQ(sched_getcpu(), 0);
        sleep_ms(1);
    }
    PASS();
}
