/* The x86_64 ABI: at process entry %rsp is 16-byte aligned and points at
 * argc, so argv (= rsp + 8) is 8 mod 16. musl's _start passes the original
 * rsp through, so argv - 1 reveals it. The argc word holds argc. Also the
 * stack is writable well below the entry point (8 pages) and C code is
 * called with a correctly aligned stack (an aligned 16-byte local). */
#include "t.h"
#include <stdint.h>

static int __attribute__((noinline)) check_local_alignment(void)
{
    long double x = 1.0L; /* 16-byte aligned type */
    volatile long double *p = &x;
    return ((uintptr_t)p % 16) == 0;
}

int main(int argc, char **argv)
{
    uintptr_t sp = (uintptr_t)(argv - 1);
    CHECK_EQ(sp % 16, 0);
    CHECK_EQ(*(long *)sp, argc);
    CHECK(check_local_alignment());
    volatile char big[32768];
    big[0] = 1;
    big[sizeof big - 1] = 2;
    CHECK_EQ(big[0] + big[sizeof big - 1], 3);
    PASS();
}
