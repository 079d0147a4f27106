/* Time spent in system calls is system time: after a process spent about
 * half a second reading /dev/zero (the kernel clearing its buffer),
 * getrusage's ru_stime and times' tms_stime are nonzero; a reaped child
 * that did the same shows in RUSAGE_CHILDREN's ru_stime and tms_cstime.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void read_zero_for(double seconds)
{
    static char buf[64 * 1024];
    int fd = open("/dev/zero", O_RDONLY);
    CHECK(fd >= 0);
    double end = now() + seconds;
    while (now() < end)
        CHECK_EQ(read(fd, buf, sizeof buf), sizeof buf);
    close(fd);
}

static long usec(struct timeval tv)
{
    return tv.tv_sec * 1000000L + tv.tv_usec;
}

int main(void)
{
    read_zero_for(0.5);
    struct rusage ru;
    CHECK_OK(getrusage(RUSAGE_SELF, &ru));
    if (usec(ru.ru_stime) < 20000)
        FAIL("ru_stime %ld us after 0.5 s of reads", usec(ru.ru_stime));
    struct tms t;
    CHECK(times(&t) != (clock_t)-1);
    CHECK(t.tms_stime > 0);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        read_zero_for(0.5);
        _exit(0);
    }
    CHECK_EQ(waitpid(pid, 0, 0), pid);
    CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
    if (usec(ru.ru_stime) < 20000)
        FAIL("children's ru_stime %ld us", usec(ru.ru_stime));
    CHECK(times(&t) != (clock_t)-1);
    CHECK(t.tms_cstime > 0);
    PASS();
}
