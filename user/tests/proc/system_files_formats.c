/* System-wide files in Linux's formats: /proc/uptime "secs idle" with two
 * decimals, /proc/loadavg "a b c running/total lastpid" (lastpid the pid
 * allocated last: a child just forked), /proc/stat
 * starting with "cpu " and one "cpuN" line per online CPU, /proc/cpuinfo
 * one "processor" block per CPU, /proc/sys/kernel/ostype "Linux", and
 * /sys/devices/system/cpu/online a list matching the CPU count (when sysfs
 * is mounted). */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

static int count_prefix(const char *path, const char *prefix) {
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            n++;
    fclose(f);
    return n;
}

int main(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(cpus >= 1);

    FILE *f = fopen("/proc/uptime", "r");
    CHECK(f != NULL);
    double up, idle;
    char line[256];
    CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    CHECK_EQ(sscanf(line, "%lf %lf", &up, &idle), 2);
    CHECK(up > 0 && idle >= 0);
    CHECK(strchr(line, '.') && strchr(line, '.')[3] == ' ');

    f = fopen("/proc/loadavg", "r");
    CHECK(f != NULL);
    double l1, l5, l15;
    int running, total, last;
    CHECK_EQ(fscanf(f, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &total, &last), 6);
    fclose(f);
    CHECK(running >= 1 && total >= running && last > 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(0);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    f = fopen("/proc/loadavg", "r");
    CHECK(f != NULL);
    CHECK_EQ(fscanf(f, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &total, &last), 6);
    fclose(f);
    CHECK_EQ(last, child);

    f = fopen("/proc/stat", "r");
    CHECK(f != NULL);
    unsigned long long v[8];
    CHECK_EQ(fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]), 8);
    fclose(f);
    CHECK_EQ(count_prefix("/proc/stat", "cpu") - 1, cpus);
    CHECK_EQ(count_prefix("/proc/stat", "btime "), 1);
    CHECK_EQ(count_prefix("/proc/cpuinfo", "processor\t: "), cpus);

    f = fopen("/proc/sys/kernel/ostype", "r");
    CHECK(f != NULL);
    CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    CHECK(strcmp(line, "Linux\n") == 0);

    f = fopen("/sys/devices/system/cpu/online", "r");
    if (f) {
        CHECK(fgets(line, sizeof line, f) != NULL);
        fclose(f);
        char want[32];
        if (cpus == 1)
            snprintf(want, sizeof want, "0\n");
        else
            snprintf(want, sizeof want, "0-%ld\n", cpus - 1);
        CHECK(strcmp(line, want) == 0);
    }
    PASS();
}
