/* FUTEX_WAIT returns EAGAIN at once when the word does not hold the
 * expected value (private and shared forms). */
#include "tt.h"

int main(void)
{
    static volatile int word = 5;
    struct timespec ts = {5, 0};
    CHECK_ERR(futex(&word, FUTEX_WAIT, 4, &ts, 0, 0), EAGAIN);
    CHECK_ERR(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 6, &ts, 0, 0), EAGAIN);
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, 0, 0, FUTEX_BITSET_MATCH_ANY), EAGAIN);
    PASS();
}
