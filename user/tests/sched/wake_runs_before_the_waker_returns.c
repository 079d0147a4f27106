/* A wake-up that makes a more urgent thread runnable on the waker's own
 * CPU switches to it before the waker gets back to user mode, not at the
 * next tick. Both threads are pinned to CPU 0: a SCHED_FIFO 10 writer and
 * a SCHED_FIFO 20 reader blocked on a pipe. The writer writes a byte and
 * then sets a flag; the reader, woken by the write, checks that the flag
 * is still clear, in each of 50 rounds. Timing plays no part: the
 * reader must run between the write's wake-up and the writer's return.
 * On the weft before commit dbb53df (no real-time class: the reader
 * waited for the writer's slice to end) every round saw the flag set;
 * on Linux 6.1 (check_preempt_curr, then schedule on the way out of
 * write) and weft none does. */
#include "st.h"

#define ROUNDS 50

static int fds[2];
static volatile int after_write, rounds_seen, flag_seen;

static void *reader(void *arg)
{
    (void)arg;
    pin_cpu0();
    CHECK_OK(set_sched(0, SCHED_FIFO, 20));
    for (int i = 0; i < ROUNDS; i++) {
        char c;
        CHECK_EQ(read(fds[0], &c, 1), 1);
        if (after_write)
            flag_seen++;
        __atomic_store_n(&rounds_seen, i + 1, __ATOMIC_SEQ_CST);
    }
    return 0;
}

int main(void)
{
    pin_cpu0();
    CHECK_OK(pipe(fds));
    pthread_t t;
    CHECK_EQ(pthread_create(&t, 0, reader, 0), 0);
    /* Let the reader set its policy and block in read(). */
    sleep_ms(50);
    CHECK_OK(set_sched(0, SCHED_FIFO, 10));
    for (int i = 0; i < ROUNDS; i++) {
        after_write = 0;
        CHECK_EQ(write(fds[1], "x", 1), 1);
        after_write = 1;
        /* The reader is more urgent on this CPU: once it has run it is
         * blocked again, so this loop ends at once; were it still
         * waiting for the CPU, the writer spins until a tick ends its turn
         * (the bug this test catches). */
        while (__atomic_load_n(&rounds_seen, __ATOMIC_SEQ_CST) <= i)
            ;
    }
    CHECK_EQ(pthread_join(t, 0), 0);
    CHECK_OK(set_sched(0, SCHED_OTHER, 0));
    if (flag_seen) {
        printf("the reader ran after the writer returned from write() in %d of %d rounds\n", flag_seen, ROUNDS);
        return 1;
    }
    printf("the reader ran before the writer returned from write() in all %d rounds\n", ROUNDS);
    return 0;
}
