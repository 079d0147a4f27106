/* sysfs lists one cpuN directory per online CPU under
 * /sys/devices/system/cpu, beside the online/possible/present lists
 * ("0-1" at two CPUs). On x86 cpu0 cannot go offline and has no `online`
 * file; every other cpuN/online reads "1". Tools such as stress-ng count
 * these directories. Mounts a private sysfs instance (global state: hence
 * basic_weftonly). Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static void read_line(const char *path, char *buf, size_t len) {
    FILE *f = fopen(path, "r");
    if (!f)
        FAIL("open %s: %s", path, strerror(errno));
    CHECK(fgets(buf, len, f) != NULL);
    fclose(f);
}

int main(void) {
    char dir[64], path[160], line[64], want[32];
    snprintf(dir, sizeof dir, "/tmp/weft-sysfs-%d", getpid());
    CHECK_OK(mkdir(dir, 0755));
    CHECK_OK(mount("sysfs", dir, "sysfs", 0, NULL));

    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(cpus >= 1);
    if (cpus == 1)
        snprintf(want, sizeof want, "0\n");
    else
        snprintf(want, sizeof want, "0-%ld\n", cpus - 1);
    const char *lists[] = {"online", "possible", "present"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/devices/system/cpu/%s", dir, lists[i]);
        read_line(path, line, sizeof line);
        CHECK(strcmp(line, want) == 0);
    }

    snprintf(path, sizeof path, "%s/devices/system/cpu", dir);
    DIR *d = opendir(path);
    CHECK(d != NULL);
    long found = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        if (strncmp(e->d_name, "cpu", 3) != 0 || e->d_name[3] < '0' || e->d_name[3] > '9')
            continue;
        long n = strtol(e->d_name + 3, &end, 10);
        if (*end != 0)
            continue;
        CHECK(n >= 0 && n < cpus);
        CHECK(e->d_type == DT_DIR || e->d_type == DT_UNKNOWN);
        found++;
    }
    closedir(d);
    CHECK_EQ(found, cpus);

    struct stat st;
    snprintf(path, sizeof path, "%s/devices/system/cpu/cpu0", dir);
    CHECK_OK(stat(path, &st));
    CHECK(S_ISDIR(st.st_mode));
    snprintf(path, sizeof path, "%s/devices/system/cpu/cpu0/online", dir);
    CHECK_ERR(stat(path, &st), ENOENT);
    for (long n = 1; n < cpus; n++) {
        snprintf(path, sizeof path, "%s/devices/system/cpu/cpu%ld/online", dir, n);
        read_line(path, line, sizeof line);
        CHECK(strcmp(line, "1\n") == 0);
    }
    snprintf(path, sizeof path, "%s/devices/system/cpu/cpu%ld", dir, cpus);
    CHECK_ERR(stat(path, &st), ENOENT);

    CHECK_OK(umount(dir));
    CHECK_OK(rmdir(dir));
    PASS();
}
