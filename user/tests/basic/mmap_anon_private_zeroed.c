/* An anonymous private mapping is page-aligned, reads as zeros, is writable
 * across all its pages, and two mappings do not overlap. */
#include "t.h"
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    size_t len = 64 * 4096;
    unsigned char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    CHECK_EQ((uintptr_t)a % 4096, 0);
    for (size_t i = 0; i < len; i += 512)
        CHECK_EQ(a[i], 0);
    for (size_t i = 0; i < len; i += 4096)
        a[i] = (unsigned char)(i / 4096 + 1);
    unsigned char *b = mmap(NULL, 4096 * 3 + 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(b != MAP_FAILED);
    CHECK(b + 4 * 4096 <= a || b >= a + len);
    b[4096 * 3] = 9; /* length rounded up to pages */
    for (size_t i = 0; i < len; i += 4096)
        CHECK_EQ(a[i], (unsigned char)(i / 4096 + 1));
    CHECK_OK(munmap(a, len));
    CHECK_OK(munmap(b, 4 * 4096));
    PASS();
}
