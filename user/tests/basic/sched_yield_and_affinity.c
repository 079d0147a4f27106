/* sched_yield returns 0; sched_getaffinity reports at least one CPU and
 * agrees with sysconf(_SC_NPROCESSORS_ONLN) being at least 1; a too-small
 * mask buffer is EINVAL. */
#include "t.h"
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    for (int i = 0; i < 100; i++)
        CHECK_OK(sched_yield());
    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK_OK(sched_getaffinity(0, sizeof set, &set));
    CHECK(CPU_COUNT(&set) >= 1);
    CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1);
    char tiny[1];
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 0, tiny), EINVAL);
    PASS();
}
