/* No wake-up is lost between futex_waitv's value checks and its queueing:
 * three producer threads each bump their own word and FUTEX_WAKE it, then
 * wait for the consumer's acknowledgement before the next bump; the
 * consumer acknowledges what it saw and sleeps in futex_waitv on all three
 * words with the values it last read (no timeout). Word 0 is a shared
 * futex, words 1 and 2 private ones. A lost wake leaves everyone asleep
 * and the test is killed by the runner's timeout. Fails on weft before
 * futex_waitv existed (ENOSYS); passes on Linux. */
#include "tt.h"

#define ROUNDS 300

static volatile int words[3], acks[3];

static int flavour(int j)
{
    return j == 0 ? 0 : FUTEX_PRIVATE_FLAG;
}

static void *producer(void *arg)
{
    long j = (long)arg;
    for (int i = 1; i <= ROUNDS; i++) {
        __atomic_store_n(&words[j], i, __ATOMIC_SEQ_CST);
        futex(&words[j], FUTEX_WAKE | flavour(j), 1, 0, 0, 0);
        int a;
        while ((a = __atomic_load_n(&acks[j], __ATOMIC_SEQ_CST)) < i)
            futex(&acks[j], FUTEX_WAIT | FUTEX_PRIVATE_FLAG, a, 0, 0, 0);
    }
    return 0;
}

int main(void)
{
    pthread_t t[3];
    for (long j = 0; j < 3; j++)
        CHECK_PT(pthread_create(&t[j], 0, producer, (void *)j));
    long woken = 0, again = 0;
    for (;;) {
        int seen[3], done = 1;
        for (int j = 0; j < 3; j++) {
            seen[j] = __atomic_load_n(&words[j], __ATOMIC_SEQ_CST);
            if (seen[j] > acks[j]) {
                __atomic_store_n(&acks[j], seen[j], __ATOMIC_SEQ_CST);
                futex(&acks[j], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0);
            }
            done &= seen[j] == ROUNDS;
        }
        if (done)
            break;
        struct futex_waitv w[3];
        for (int j = 0; j < 3; j++)
            waitv_set(&w[j], &words[j], seen[j], FUTEX2_SIZE_U32 | (uint32_t)flavour(j));
        long r = futex_waitv(w, 3, 0, 0, 0);
        if (r >= 0 && r < 3)
            woken++;
        else if (r == -1 && errno == EAGAIN)
            again++;
        else
            FAIL("futex_waitv returned %ld errno %d", r, errno);
    }
    for (int j = 0; j < 3; j++)
        CHECK_PT(pthread_join(t[j], 0));
    printf("woken %ld, EAGAIN %ld\n", woken, again);
    PASS();
}
