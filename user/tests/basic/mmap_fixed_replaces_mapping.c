/* MAP_FIXED at an address inside an existing mapping replaces those pages
 * (fresh zeros) and leaves the rest; an unaligned MAP_FIXED address is
 * EINVAL; MAP_FIXED_NOREPLACE over an existing mapping is EEXIST. */
#include "t.h"
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

int main(void)
{
    char *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 'a', 4 * 4096);
    char *q = mmap(p + 4096, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(q == p + 4096);
    CHECK_EQ(p[0], 'a');
    CHECK_EQ(p[4095], 'a');
    CHECK_EQ(p[4096], 0);
    CHECK_EQ(p[3 * 4096 - 1], 0);
    CHECK_EQ(p[3 * 4096], 'a');
    q[0] = 'q';
    CHECK(mmap(p + 1, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    errno = 0;
    void *r = mmap(p, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(r == MAP_FAILED && errno == EEXIST);
    CHECK_EQ(p[0], 'a');
    CHECK_OK(munmap(p, 4 * 4096));
    /* Now the range is free: NOREPLACE maps exactly there. */
    r = mmap(p, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(r == p);
    CHECK_OK(munmap(p, 4096));
    PASS();
}
