/* A private read-only mapping of a file shows its contents at the given
 * (page-aligned) offset, the tail of the last page reads as zeros, and
 * private writes stay out of the file. An unaligned offset is EINVAL, a
 * write-only fd is EACCES. */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-mmapf-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    static char buf[2 * 4096 + 100];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('A' + i % 26);
    CHECK_EQ(write(fd, buf, sizeof buf), sizeof buf);
    char *m = mmap(NULL, sizeof buf, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED);
    CHECK(!memcmp(m, buf, sizeof buf));
    for (size_t i = sizeof buf; i < 3 * 4096; i++)
        CHECK_EQ(m[i], 0);
    char *o = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
    CHECK(o != MAP_FAILED);
    CHECK(!memcmp(o, buf + 4096, 4096));
    char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(w != MAP_FAILED);
    w[0] = '#';
    char c;
    CHECK_EQ(pread(fd, &c, 1, 0), 1);
    CHECK_EQ(c, 'A');
    CHECK_EQ(m[0], 'A');
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL);
    int wo = open(path, O_WRONLY);
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, wo, 0) == MAP_FAILED && errno == EACCES);
    close(wo);
    close(fd);
    /* The mapping outlives the fd and the name. */
    CHECK_OK(unlink(path));
    CHECK_EQ(m[4096 + 1], buf[4096 + 1]);
    munmap(m, sizeof buf);
    munmap(o, 4096);
    munmap(w, 4096);
    PASS();
}
