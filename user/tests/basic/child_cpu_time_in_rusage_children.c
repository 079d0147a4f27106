/* CPU time a child burns is charged to it (its CLOCK_PROCESS_CPUTIME_ID
 * advances while it spins) and, once reaped, shows up in the parent's
 * getrusage(RUSAGE_CHILDREN) and in wait4's rusage. */
#include "t.h"
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long tv_us(struct timeval t)
{
    return t.tv_sec * 1000000LL + t.tv_usec;
}

int main(void)
{
    struct rusage before;
    CHECK_OK(getrusage(RUSAGE_CHILDREN, &before));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec t;
        volatile unsigned long x = 0;
        do {
            for (int i = 0; i < 10000; i++)
                x += i;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        } while (t.tv_sec == 0 && t.tv_nsec < 30 * 1000 * 1000);
        _exit(0);
    }
    int st;
    struct rusage ru;
    CHECK_EQ(wait4(pid, &st, 0, &ru), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK(tv_us(ru.ru_utime) + tv_us(ru.ru_stime) >= 20000);
    struct rusage after;
    CHECK_OK(getrusage(RUSAGE_CHILDREN, &after));
    long long d = tv_us(after.ru_utime) + tv_us(after.ru_stime) - tv_us(before.ru_utime) - tv_us(before.ru_stime);
    CHECK(d >= 20000);
    CHECK_OK(getrusage(RUSAGE_SELF, &ru));
    PASS();
}
