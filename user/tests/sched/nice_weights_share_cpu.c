/* Two CPU-bound SCHED_OTHER threads pinned to CPU 0 for 2 s, one at nice
 * 0 and one at nice 10, get CPU time in the ratio of Linux's weights
 * (1024:110, about 9.3) within 15%. On the weft before commit dbb53df
 * every thread got equal turns (ratio 1); this fails there and passes on
 * Linux. */
#include "st.h"

static volatile int go;
static uint64_t cpu_ns[2];
static volatile long tids[2];
static uint64_t end_ns;

static void *spin(void *arg)
{
    long me = (long)arg;
    pin_cpu0();
    tids[me] = tid_self();
    while (!go)
        sleep_ms(1);
    uint64_t c0 = thread_cpu_ns();
    while (now_ns() < end_ns)
        ;
    cpu_ns[me] = thread_cpu_ns() - c0;
    return 0;
}

int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        CHECK_PT(pthread_create(&t[i], 0, spin, (void *)i));
    while (!tids[0] || !tids[1])
        sleep_ms(1);
    CHECK_OK(setpriority(PRIO_PROCESS, tids[1], 10));
    end_ns = now_ns() + 2000000000ull;
    go = 1;
    CHECK_PT(pthread_join(t[0], 0));
    CHECK_PT(pthread_join(t[1], 0));
    double ratio = cpu_ns[1] ? (double)cpu_ns[0] / cpu_ns[1] : 1e9;
    printf("nice 0: %llu ms, nice 10: %llu ms, ratio %.2f (weights: %.2f)\n", (unsigned long long)cpu_ns[0] / 1000000,
           (unsigned long long)cpu_ns[1] / 1000000, ratio, 1024.0 / 110);
    double want = 1024.0 / 110;
    if (ratio < want * 0.85 || ratio > want * 1.15)
        FAIL("CPU time ratio %.2f, expected %.2f within 15%%", ratio, want);
    PASS();
}
