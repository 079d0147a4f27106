/* madvise's refusals (Linux 6.1 mm/madvise.c): an unknown advice or an
 * unaligned start is EINVAL; MADV_FREE only takes private anonymous
 * memory (a private file mapping: EINVAL); MADV_DONTNEED refuses a locked
 * range (EINVAL). A range with a hole gives ENOMEM, but the mapped part
 * was advised: MADV_DONTNEED zeroed it. MADV_FREE leaves the old contents
 * or zeros.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    char *p = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_ERR(madvise(p, 4096, 12345), EINVAL);
    CHECK_ERR(madvise(p + 1, 4096, MADV_DONTNEED), EINVAL);

    memset(p, 'x', 3 * 4096);
    CHECK_OK(madvise(p, 4096, MADV_FREE));
    CHECK(p[0] == 'x' || p[0] == 0);

    CHECK_OK(munmap(p + 2 * 4096, 4096));
    CHECK_ERR(madvise(p + 4096, 2 * 4096, MADV_DONTNEED), ENOMEM);
    CHECK_EQ(p[4096], 0);

    CHECK_OK(mlock(p, 4096));
    CHECK_ERR(madvise(p, 4096, MADV_DONTNEED), EINVAL);
    CHECK_OK(munlock(p, 4096));
    CHECK_OK(madvise(p, 4096, MADV_DONTNEED));

    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-madvfree-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "file", 4), 4);
    char *f = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(f != MAP_FAILED);
    f[0] = 'F';
    CHECK_ERR(madvise(f, 4096, MADV_FREE), EINVAL);
    /* DONTNEED on a private file page: it reads the file again. */
    CHECK_OK(madvise(f, 4096, MADV_DONTNEED));
    CHECK_EQ(f[0], 'f');
    unlink(path);
    PASS();
}
