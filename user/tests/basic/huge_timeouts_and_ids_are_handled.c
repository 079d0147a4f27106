/* Single calls that used to panic weft (issue 17) get Linux's answers:
 * alarm with the largest unsigned value, ppoll, pselect6 and select with
 * huge timeouts on a ready fd (they return at once), setitimer with a huge
 * value and interval, kill(INT_MIN, ...) (ESRCH: there is no such group)
 * and mremap of a range that runs past the address space (EINVAL). */
#define _GNU_SOURCE
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    CHECK_EQ(alarm(UINT_MAX), 0);
    CHECK(alarm(0) > 1000000u);

    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(write(p[1], "x", 1), 1);
    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    struct timespec huge = {LONG_MAX / 2, 999999999};
    CHECK_EQ(ppoll(&pfd, 1, &huge, NULL), 1);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_EQ(pselect(p[0] + 1, &r, NULL, NULL, &huge, NULL), 1);
    struct timeval tv = {LONG_MAX / 2, 999999};
    FD_SET(p[0], &r);
    CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, &tv), 1);

    struct itimerval it = {.it_interval = {LONG_MAX / 2, 0}, .it_value = {LONG_MAX / 2, 0}};
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    memset(&it, 0, sizeof it);
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));

    CHECK_ERR(kill(INT_MIN, 0), ESRCH);
    CHECK_ERR(kill(INT_MIN, SIGTERM), ESRCH);

    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    CHECK_ERR(syscall(SYS_mremap, page, 0xfffffffffffff000UL, 4096UL, 0, 0), EINVAL);
    PASS();
}
