/* The rest of the page after the end of .bss (_end) reads as zero: Linux
 * zeroes the tail of the last file-backed page of a segment with .bss
 * (binfmt_elf's padzero), and glibc's ld.so puts its first malloc arena
 * there. */
#include <stdint.h>
#include "t.h"

extern char _end[];
static int data_word = 42;   /* .data, so the segment has file data */
static char bss_bytes[64];   /* a small .bss ending inside that page */

int main(void)
{
    CHECK_EQ(data_word, 42);
    CHECK_EQ(bss_bytes[0], 0);
    uintptr_t end = (uintptr_t)_end, page_end = (end + 4095) & ~(uintptr_t)4095;
    for (uintptr_t p = end; p < page_end; p++)
        if (*(volatile char *)p != 0)
            FAIL("byte at _end+%lu (%p) is %#x, not 0", (unsigned long)(p - end), (void *)p, *(unsigned char *)p);
    PASS();
}
