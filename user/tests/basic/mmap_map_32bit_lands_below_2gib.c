/* mmap(MAP_32BIT) without an address hint places the mapping in the first
 * 2 GiB of the address space (x86_64 Linux's find_start_end: bottom-up in
 * 1 GiB..2 GiB), for code of the small model and 32-bit segment bases.
 * weft used to ignore the flag and map at the top.
 *
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"

#include <stdint.h>
#include <sys/mman.h>

int main(void) {
    for (int i = 0; i < 8; i++) {
        char *p = mmap(NULL, (i + 1) * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        CHECK(p != MAP_FAILED);
        CHECK((uintptr_t)p >= 0x40000000UL);
        CHECK((uintptr_t)p + (i + 1) * 4096 <= 0x80000000UL);
        p[0] = 1;
    }
    PASS();
}
