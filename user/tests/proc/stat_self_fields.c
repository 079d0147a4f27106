/* /proc/self/stat: fields in Linux's order (fs/proc/array.c do_task_stat):
 * pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
 * majflt cmajflt utime stime cutime cstime priority nice num_threads
 * itrealvalue starttime vsize rss ... 52 fields in all. The caller is
 * running ('R'); its own ids match getpid/getppid/getpgrp/getsid; times are
 * in clock ticks and starttime is not after the system's uptime. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void) {
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECK(n > 0);
    buf[n] = 0;
    close(fd);
    CHECK(buf[n - 1] == '\n');

    char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
    CHECK(open_paren && close_paren && close_paren > open_paren);
    CHECK_EQ(atoi(buf), getpid());
    *close_paren = 0;
    CHECK(strncmp(open_paren + 1, "stat_self_field", 15) == 0); /* comm: 15 bytes at most */

    char state;
    long long f[50];
    int got = sscanf(close_paren + 2,
                     "%c %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld "
                     "%lld %lld %lld %lld %lld %lld",
                     &state, &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10], &f[11], &f[12], &f[13],
                     &f[14], &f[15], &f[16], &f[17], &f[18], &f[19], &f[20], &f[21], &f[22], &f[23], &f[24]);
    CHECK_EQ(got, 22);
    CHECK_EQ(state, 'R');
    CHECK_EQ(f[4], getppid());
    CHECK_EQ(f[5], getpgrp());
    CHECK_EQ(f[6], getsid(0));
    CHECK_EQ(f[20], 1);           /* num_threads */
    CHECK(f[23] > 0);             /* vsize, bytes */
    CHECK(f[24] >= 0);            /* rss, pages (Linux may show 0 for a fresh process) */
    CHECK(f[14] >= 0 && f[15] >= 0);

    /* Count the fields after the comm: 50 (52 with pid and comm). */
    int fields = 0;
    for (char *p = close_paren + 1; *p; p++)
        if (*p == ' ')
            fields++;
    CHECK_EQ(fields, 50);

    /* starttime (ticks since boot) is not later than the uptime. */
    FILE *up = fopen("/proc/uptime", "r");
    CHECK(up != NULL);
    double uptime, idle;
    CHECK_EQ(fscanf(up, "%lf %lf", &uptime, &idle), 2);
    fclose(up);
    long hz = sysconf(_SC_CLK_TCK);
    CHECK_EQ(hz, 100);
    CHECK(f[22] <= (long long)(uptime * hz) + 1);
    PASS();
}
