/* ru_maxrss is the resident-set high-water mark in KiB: after touching
 * 4 MiB it stays near 4096 after munmap; a reaped child that touched 8 MiB
 * makes RUSAGE_CHILDREN's near 8192, and wait4 reports the same of that
 * child. All stay plausible (under 1 GiB). "Near": Linux's RSS counters
 * lag by up to 64 pages per thread (SPLIT_RSS_COUNTING), so a quarter of
 * slack is allowed.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void touch(size_t bytes)
{
    char *p = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    for (size_t i = 0; i < bytes; i += 4096)
        p[i] = 1;
    CHECK_OK(munmap(p, bytes));
}

int main(void)
{
    struct rusage ru;
    touch(4 << 20);
    CHECK_OK(getrusage(RUSAGE_SELF, &ru));
    if (ru.ru_maxrss < 3072 || ru.ru_maxrss > (1 << 20))
        FAIL("RUSAGE_SELF ru_maxrss %ld KiB", ru.ru_maxrss);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        touch(8 << 20);
        _exit(0);
    }
    struct rusage child;
    CHECK_EQ(wait4(pid, 0, 0, &child), pid);
    if (child.ru_maxrss < 6144 || child.ru_maxrss > (1 << 20))
        FAIL("wait4 ru_maxrss %ld KiB", child.ru_maxrss);
    CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
    if (ru.ru_maxrss < 6144 || ru.ru_maxrss > (1 << 20))
        FAIL("RUSAGE_CHILDREN ru_maxrss %ld KiB", ru.ru_maxrss);
    PASS();
}
