/* Two SCHED_RR threads of equal priority pinned to CPU 0 take turns: over
 * 700 ms of spinning each sees the other make progress between its own
 * turns (RR's quantum is 100 ms; Linux under TCG stretches it somewhat,
 * so one such resumption each is required), both progress within the
 * first 400 ms (Linux measured up to 194 ms, weft 107 ms; under SCHED_FIFO
 * one would run for the whole 700 ms), and a SCHED_OTHER thread pinned to
 * the same CPU gets no CPU at all while they run. On the weft before
 * commit dbb53df every thread got equal turns (and RR was EPERM), so the
 * SCHED_OTHER thread ran; this fails there and passes on Linux. */
#include "st.h"

static volatile unsigned long count[2], other_count;
static volatile int go, stop;
static unsigned long switches[2], other_at_start[2], other_at_end[2];
static uint64_t first_run_ns[2];
static uint64_t start_ns;

static void *rr(void *arg)
{
    long me = (long)arg;
    pin_cpu0();
    CHECK_OK(set_sched(0, SCHED_RR, 10));
    while (!go)
        ;
    other_at_start[me] = other_count;
    first_run_ns[me] = now_ns() - start_ns;
    unsigned long seen = count[!me];
    uint64_t end = start_ns + 700000000ull;
    while (now_ns() < end) {
        count[me]++;
        if (count[!me] != seen) {
            seen = count[!me];
            switches[me]++;
        }
    }
    other_at_end[me] = other_count;
    return 0;
}

static void *other(void *arg)
{
    (void)arg;
    pin_cpu0();
    CHECK_OK(set_sched(0, SCHED_OTHER, 0)); /* created by a FIFO thread */
    while (!stop)
        other_count++;
    return 0;
}

int main(void)
{
    pin_cpu0();
    /* Above the RR threads, to start them together. */
    CHECK_OK(set_sched(0, SCHED_FIFO, 20));
    pthread_t t[3];
    CHECK_PT(pthread_create(&t[2], 0, other, 0));
    CHECK_PT(pthread_create(&t[0], 0, rr, (void *)0));
    CHECK_PT(pthread_create(&t[1], 0, rr, (void *)1));
    sleep_ms(50);
    start_ns = now_ns();
    go = 1;
    CHECK_PT(pthread_join(t[0], 0));
    CHECK_PT(pthread_join(t[1], 0));
    stop = 1;
    CHECK_PT(pthread_join(t[2], 0));
    printf("switches %lu %lu first runs at %llu %llu ms\n", switches[0], switches[1],
           (unsigned long long)first_run_ns[0] / 1000000, (unsigned long long)first_run_ns[1] / 1000000);
    CHECK(count[0] > 0 && count[1] > 0);
    CHECK(switches[0] >= 1 && switches[1] >= 1);
    CHECK(first_run_ns[0] < 400000000ull && first_run_ns[1] < 400000000ull);
    unsigned long lo = other_at_start[0] < other_at_start[1] ? other_at_start[0] : other_at_start[1];
    unsigned long hi = other_at_end[0] > other_at_end[1] ? other_at_end[0] : other_at_end[1];
    if (hi != lo)
        FAIL("the SCHED_OTHER thread counted %lu while the RR threads ran", hi - lo);
    PASS();
}
