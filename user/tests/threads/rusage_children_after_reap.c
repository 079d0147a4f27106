/* RUSAGE_CHILDREN (and times() cutime) include a child's CPU time once it
 * has been reaped, and not before. */
#include "tt.h"
#include <sys/resource.h>
#include <sys/times.h>

int main(void)
{
    struct rusage ru;
    struct tms tm;
    int fds[2], st;
    char c;
    CHECK_OK(pipe(fds));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        burn_cpu_ns(200 * 1000000LL);
        write(fds[1], "x", 1);
        _exit(0);
    }
    CHECK_EQ(read(fds[0], &c, 1), 1);
    sleep_ms(20);
    CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
    CHECK(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) < 50 * 1000000LL);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
    CHECK(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) >= 180 * 1000000LL);
    CHECK(times(&tm) != (clock_t)-1);
    CHECK((tm.tms_cutime + tm.tms_cstime) * 1000 / sysconf(_SC_CLK_TCK) >= 170);
    PASS();
}
