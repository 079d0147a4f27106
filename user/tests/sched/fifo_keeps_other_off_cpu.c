/* A SCHED_FIFO thread at priority 50 spinning on CPU 0 keeps a
 * SCHED_OTHER thread pinned there from running until it blocks: the
 * other thread's counter does not move during 500 ms of spinning (less
 * than the 950 ms per second real-time budget), and moves again once the
 * FIFO thread sleeps. On the weft before commit dbb53df every thread got
 * equal turns (and FIFO was EPERM), so the counter moved; this fails
 * there and passes on Linux. */
#include "st.h"

static volatile unsigned long counter;
static volatile int stop;

static void *other(void *arg)
{
    (void)arg;
    pin_cpu0();
    while (!stop)
        counter++;
    return 0;
}

int main(void)
{
    pin_cpu0();
    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, other, 0));
    sleep_ms(50);
    CHECK(counter > 0);
    CHECK_OK(set_sched(0, SCHED_FIFO, 50));
    unsigned long before = counter;
    uint64_t end = now_ns() + 500000000ull;
    while (now_ns() < end)
        ;
    unsigned long during = counter - before;
    sleep_ms(100); /* blocks: the other thread runs */
    unsigned long after = counter;
    stop = 1;
    CHECK_OK(set_sched(0, SCHED_OTHER, 0));
    CHECK_PT(pthread_join(t, 0));
    if (during != 0)
        FAIL("the SCHED_OTHER thread counted %lu while the FIFO thread spun", during);
    CHECK(after > before);
    PASS();
}
