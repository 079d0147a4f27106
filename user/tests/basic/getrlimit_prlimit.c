/* getrlimit/setrlimit/prlimit: the soft limit is at most the hard one;
 * lowering the soft RLIMIT_NOFILE makes open beyond it fail with EMFILE;
 * prlimit on self returns the old value while setting a new one; soft above
 * hard is EINVAL; an unknown resource is EINVAL. */
#include "t.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

int main(void)
{
    struct rlimit rl, old, nl;
    int res[] = {RLIMIT_NOFILE, RLIMIT_STACK, RLIMIT_AS, RLIMIT_CORE, RLIMIT_NPROC};
    for (unsigned i = 0; i < sizeof res / sizeof res[0]; i++) {
        CHECK_OK(getrlimit(res[i], &rl));
        CHECK(rl.rlim_cur <= rl.rlim_max);
    }
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &old));
    CHECK(old.rlim_cur >= 64);
    nl.rlim_cur = 16;
    nl.rlim_max = old.rlim_max;
    struct rlimit prev;
    CHECK_OK(prlimit(0, RLIMIT_NOFILE, &nl, &prev));
    CHECK_EQ(prev.rlim_cur, old.rlim_cur);
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
    CHECK_EQ(rl.rlim_cur, 16);
    int fds[32], n = 0, fd;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0) {
        CHECK(n < 32);
        fds[n++] = fd;
    }
    CHECK_EQ(errno, EMFILE);
    CHECK(fds[n - 1] == 15);
    CHECK_ERR(dup(0), EMFILE);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &old));
    nl.rlim_cur = 100;
    nl.rlim_max = 50;
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &nl), EINVAL);
    CHECK_ERR(getrlimit(1000, &rl), EINVAL);
    CHECK_OK(prlimit(getpid(), RLIMIT_STACK, NULL, &rl));
    CHECK(rl.rlim_cur > 0);
    PASS();
}
