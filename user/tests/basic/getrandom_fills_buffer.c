/* getrandom fills the whole buffer (small requests are never short), two
 * calls differ, GRND_NONBLOCK works, and unknown flags are EINVAL. */
#include "t.h"
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    unsigned char a[256], b[256];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    CHECK_EQ(getrandom(a, sizeof a, 0), sizeof a);
    CHECK_EQ(getrandom(b, sizeof b, GRND_NONBLOCK), sizeof b);
    CHECK(memcmp(a, b, sizeof a) != 0);
    int zeros = 0;
    for (size_t i = 0; i < sizeof a; i++)
        zeros += a[i] == 0;
    CHECK(zeros < 32); /* ~1 expected */
    CHECK_EQ(getrandom(a, 0, 0), 0);
    CHECK_ERR(syscall(SYS_getrandom, a, 16, 0x1000), EINVAL);
    PASS();
}
