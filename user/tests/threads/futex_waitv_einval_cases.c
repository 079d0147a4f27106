/* futex_waitv's argument checks, with Linux 6.1's errnos and order:
 * EINVAL for flags != 0, nr_futexes 0 or above 128 (FUTEX_WAITV_MAX),
 * a NULL array, a clock other than MONOTONIC/REALTIME when a timeout is
 * given (ignored without one), a bad timespec; per entry EINVAL for a
 * missing FUTEX2_SIZE_U32, another size or unknown flag bit, a non-zero
 * __reserved, a misaligned word; EFAULT for an unreadable array, entry or
 * timeout and for a word outside memory (private or shared). Entries are
 * all copied and checked before any word is looked at. Fails on weft
 * before futex_waitv existed (ENOSYS); passes on Linux. */
#include "tt.h"

#define OK_FLAGS (FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)

static volatile int words[2] __attribute__((aligned(8)));

int main(void)
{
    struct futex_waitv w[FUTEX_WAITV_MAX + 1];
    /* Every entry valid and mismatching: a call that gets past the checks
     * returns EAGAIN at once instead of sleeping. */
    for (int i = 0; i <= FUTEX_WAITV_MAX; i++)
        waitv_set(&w[i], &words[i % 2], 1, OK_FLAGS);
    CHECK_ERR(futex_waitv(w, FUTEX_WAITV_MAX, 0, 0, 0), EAGAIN);
    CHECK_ERR(futex_waitv(w, FUTEX_WAITV_MAX + 1, 0, 0, 0), EINVAL);
    CHECK_ERR(futex_waitv(w, 0, 0, 0, 0), EINVAL);
    CHECK_ERR(futex_waitv(w, 1, 1, 0, 0), EINVAL);
    CHECK_ERR(futex_waitv(w, 1, FUTEX_CLOCK_REALTIME, 0, 0), EINVAL);
    CHECK_ERR(futex_waitv(0, 1, 0, 0, 0), EINVAL);

    /* The clock: checked only with a timeout. */
    struct timespec ts = {0, 0};
    CHECK_ERR(futex_waitv(w, 1, 0, &ts, CLOCK_BOOTTIME), EINVAL);
    CHECK_ERR(futex_waitv(w, 1, 0, &ts, CLOCK_PROCESS_CPUTIME_ID), EINVAL);
    CHECK_ERR(futex_waitv(w, 1, 0, &ts, -1), EINVAL);
    CHECK_ERR(futex_waitv(w, 1, 0, 0, CLOCK_BOOTTIME), EAGAIN);
    struct timespec bad_ns = {0, 1000000000L}, neg = {-1, 0};
    CHECK_ERR(futex_waitv(w, 1, 0, &bad_ns, CLOCK_MONOTONIC), EINVAL);
    CHECK_ERR(futex_waitv(w, 1, 0, &neg, CLOCK_MONOTONIC), EINVAL);
    CHECK_ERR(futex_waitv(w, 1, 0, (struct timespec *)8, CLOCK_MONOTONIC), EFAULT);
    /* The clock is checked before the timeout is read. */
    CHECK_ERR(futex_waitv(w, 1, 0, (struct timespec *)8, CLOCK_BOOTTIME), EINVAL);

    /* Entry flags and __reserved, in the second entry. */
    uint32_t bad_flags[] = {0, FUTEX2_PRIVATE, 0x00 | 0x01, 0x03 /* U64 */, FUTEX2_SIZE_U32 | 0x04,
                            OK_FLAGS | FUTEX_CLOCK_REALTIME, OK_FLAGS | 0x80000000u};
    for (unsigned i = 0; i < sizeof bad_flags / sizeof bad_flags[0]; i++) {
        w[1].flags = bad_flags[i];
        errno = 0;
        long r = futex_waitv(w, 2, 0, 0, 0);
        if (r != -1 || errno != EINVAL)
            FAIL("entry flags %#x: %ld errno %d, expected EINVAL", bad_flags[i], r, errno);
    }
    w[1].flags = OK_FLAGS;
    w[1].__reserved = 1;
    CHECK_ERR(futex_waitv(w, 2, 0, 0, 0), EINVAL);
    w[1].__reserved = 0;

    /* Misaligned words, private and shared. */
    w[1].uaddr = (uintptr_t)&words[0] + 2;
    CHECK_ERR(futex_waitv(w, 2, 0, 0, 0), EINVAL);
    w[1].flags = FUTEX2_SIZE_U32;
    CHECK_ERR(futex_waitv(w, 2, 0, 0, 0), EINVAL);
    w[1].flags = OK_FLAGS;

    /* Words outside memory. */
    char *none = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(none != MAP_FAILED);
    CHECK_OK(munmap(none + 4096, 4096));
    volatile int *unmapped = (volatile int *)(none + 4096);
    waitv_set(&w[0], unmapped, 0, OK_FLAGS);
    CHECK_ERR(futex_waitv(w, 1, 0, 0, 0), EFAULT);
    waitv_set(&w[0], unmapped, 0, FUTEX2_SIZE_U32);
    CHECK_ERR(futex_waitv(w, 1, 0, 0, 0), EFAULT);
    waitv_set(&w[0], (volatile int *)0xffff800000000000ull, 0, OK_FLAGS);
    CHECK_ERR(futex_waitv(w, 1, 0, 0, 0), EFAULT);
    waitv_set(&w[0], 0, 0, OK_FLAGS);
    CHECK_ERR(futex_waitv(w, 1, 0, 0, 0), EFAULT);
    /* A private word is read only when its turn comes: an earlier
     * mismatch answers first. */
    waitv_set(&w[0], &words[0], 1, OK_FLAGS);
    waitv_set(&w[1], unmapped, 0, OK_FLAGS);
    CHECK_ERR(futex_waitv(w, 2, 0, 0, 0), EAGAIN);

    /* An unreadable array, or one whose second entry is unreadable. */
    CHECK_ERR(futex_waitv((struct futex_waitv *)unmapped, 1, 0, 0, 0), EFAULT);
    struct futex_waitv *edge = (struct futex_waitv *)(none + 4096 - sizeof *edge);
    waitv_set(edge, &words[0], 1, OK_FLAGS);
    CHECK_ERR(futex_waitv(edge, 1, 0, 0, 0), EAGAIN);
    CHECK_ERR(futex_waitv(edge, 2, 0, 0, 0), EFAULT);
    /* All entries are copied before any word is checked: a misaligned
     * first word still gives EFAULT for the unreadable second entry... */
    edge->uaddr = (uintptr_t)&words[0] + 1;
    CHECK_ERR(futex_waitv(edge, 2, 0, 0, 0), EFAULT);
    /* ...while bad flags in the first entry answer before the copy of the
     * second. */
    edge->uaddr = (uintptr_t)&words[0];
    edge->flags = 0;
    CHECK_ERR(futex_waitv(edge, 2, 0, 0, 0), EINVAL);
    PASS();
}
