/* mremap grows a mapping in place or, with MREMAP_MAYMOVE, elsewhere, and
 * the contents come along; shrinking keeps the head; growing without
 * MAYMOVE when the next page is taken is ENOMEM; MREMAP_FIXED moves to a
 * chosen address. */
#include "t.h"
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096

int main(void)
{
    /* Reserve 5 pages, use the first 4: the fifth, still mapped PROT_NONE,
     * blocks growth in place. */
    char *p = mmap(NULL, 5 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_OK(mprotect(p, 4 * PG, PROT_READ | PROT_WRITE));
    char *block = p + 4 * PG;
    for (int i = 0; i < 4 * PG; i++)
        p[i] = (char)(i % 199);
    CHECK(mremap(p, 4 * PG, 8 * PG, 0) == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    char *q = mremap(p, 4 * PG, 64 * PG, MREMAP_MAYMOVE);
    CHECK(q != MAP_FAILED);
    CHECK(q != p);
    for (int i = 0; i < 4 * PG; i++)
        if (q[i] != (char)(i % 199))
            FAIL("byte %d lost in the move", i);
    for (int i = 4 * PG; i < 64 * PG; i += PG)
        CHECK_EQ(q[i], 0);
    q[64 * PG - 1] = 1;
    /* Shrink. */
    char *r = mremap(q, 64 * PG, 2 * PG, 0);
    CHECK(r == q);
    CHECK_EQ(r[PG + 7], (char)((PG + 7) % 199));
    /* Move to a fixed address. */
    char *dst = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(dst != MAP_FAILED);
    char *s = mremap(r, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    CHECK(s == dst);
    CHECK_EQ(s[5], 5);
    s[5] = 6;
    CHECK(mremap(s, 2 * PG, 0, MREMAP_MAYMOVE) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    CHECK(mremap(s + 1, PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    munmap(s, 2 * PG);
    munmap(block, PG);
    PASS();
}
