/* /proc/self is a link to the caller's pid, /proc/thread-self to
 * "<pid>/task/<tid>"; /proc/self/cwd names the working directory,
 * /proc/self/exe the program, /proc/self/fd/N the file open on N, and
 * /proc/self/fdinfo/N its offset ("pos:") and flags ("flags:", octal). */
#include "t.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

static void link_of(const char *path, char *out, size_t len) {
    ssize_t n = readlink(path, out, len - 1);
    if (n < 0)
        FAIL("readlink %s: %s", path, strerror(errno));
    out[n] = 0;
}

int main(int argc, char **argv) {
    (void)argc;
    char buf[PATH_MAX], want[PATH_MAX];
    link_of("/proc/self", buf, sizeof buf);
    CHECK_EQ(atoi(buf), getpid());
    link_of("/proc/thread-self", buf, sizeof buf);
    snprintf(want, sizeof want, "%d/task/%ld", getpid(), (long)syscall(SYS_gettid));
    CHECK(strcmp(buf, want) == 0);

    CHECK_OK(chdir("/"));
    link_of("/proc/self/cwd", buf, sizeof buf);
    CHECK(strcmp(buf, "/") == 0);

    link_of("/proc/self/exe", buf, sizeof buf);
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    const char *got = strrchr(buf, '/');
    CHECK(buf[0] == '/' && got && strcmp(got + 1, base) == 0);

    snprintf(want, sizeof want, "/tmp/weft-proc-fd-%d", getpid());
    int fd = open(want, O_CREAT | O_RDWR | O_APPEND | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "hello", 5), 5);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    link_of(path, buf, sizeof buf);
    CHECK(strcmp(buf, want) == 0);

    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    long pos = -1;
    unsigned flags = 0;
    while (fgets(buf, sizeof buf, f)) {
        sscanf(buf, "pos:\t%ld", &pos);
        sscanf(buf, "flags:\t%o", &flags);
    }
    fclose(f);
    CHECK_EQ(pos, 5);
    CHECK_EQ(flags & O_ACCMODE, O_RDWR);
    CHECK(flags & O_APPEND);
    CHECK(flags & O_CLOEXEC);
    close(fd);
    unlink(want);
    PASS();
}
