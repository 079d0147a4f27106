/* getcpu(2) succeeds and reports a CPU in the thread's affinity mask (and
 * node 0 on a single-node machine), agreeing with sched_getcpu. */
#include "tt.h"

int main(void)
{
    unsigned cpu = 12345, node = 12345;
    cpu_set_t set;
    CHECK_OK(sched_getaffinity(0, sizeof set, &set));
    CHECK_EQ(syscall(SYS_getcpu, &cpu, &node, 0), 0);
    CHECK(cpu < CPU_SETSIZE);
    CHECK(CPU_ISSET(cpu, &set));
    CHECK_EQ(node, 0);
    /* Either pointer may be NULL. */
    CHECK_EQ(syscall(SYS_getcpu, 0, &node, 0), 0);
    CHECK_EQ(syscall(SYS_getcpu, &cpu, 0, 0), 0);
    /* Pinned to the CPU we are on, both interfaces agree. */
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    CHECK_OK(sched_setaffinity(0, sizeof set, &set));
    unsigned c2 = 999;
    CHECK_EQ(syscall(SYS_getcpu, &c2, 0, 0), 0);
    CHECK_EQ(c2, cpu);
    CHECK_EQ(sched_getcpu(), (int)cpu);
    PASS();
}
