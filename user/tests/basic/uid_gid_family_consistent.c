/* getuid/geteuid/getgid/getegid agree with getresuid/getresgid; getgroups
 * with size 0 returns the count and a too-small buffer is EINVAL. */
#include "t.h"
#include <unistd.h>

int main(void)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    CHECK_OK(getresuid(&r, &e, &s));
    CHECK_OK(getresgid(&gr, &ge, &gs));
    CHECK_EQ(r, getuid());
    CHECK_EQ(e, geteuid());
    CHECK_EQ(gr, getgid());
    CHECK_EQ(ge, getegid());
    int n = getgroups(0, NULL);
    CHECK(n >= 0);
    gid_t g[256];
    CHECK(n <= 256);
    CHECK_EQ(getgroups(n, g), n);
    if (n > 1)
        CHECK_ERR(getgroups(n - 1, g), EINVAL);
    CHECK_ERR(getgroups(-1, g), EINVAL);
    PASS();
}
