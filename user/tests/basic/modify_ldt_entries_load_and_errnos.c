/* modify_ldt(2) as 64-bit Linux answers it (arch/x86/kernel/ldt.c):
 * - func 0 reads the LDT: 0 bytes while the process has none; once it has
 *   one, `bytecount` bytes (the entries, then zeroes);
 * - func 2 reads the "default LDT": min(bytecount, 128) zero bytes;
 * - func 0x11 (and 1, "old mode") writes one `struct user_desc`: EINVAL
 *   unless bytecount is its size, for entry_number >= 8192, and for
 *   contents 3 unless "not present" (always in old mode); EFAULT for a
 *   bad pointer;
 * - any other func is ENOSYS;
 * - the result is `(unsigned int)ret`: an error comes back zero-extended
 *   (0xffffffea for EINVAL), not as -errno.
 * A written entry works: a selector naming it loads into %gs and reads
 * memory at its base, also after a system call; a fork child inherits
 * the LDT and an execve drops it.
 *
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* asm/ldt.h (musl has no kernel headers). */
struct user_desc {
    unsigned int entry_number;
    unsigned int base_addr;
    unsigned int limit;
    unsigned int seg_32bit : 1;
    unsigned int contents : 2;
    unsigned int read_exec_only : 1;
    unsigned int limit_in_pages : 1;
    unsigned int seg_not_present : 1;
    unsigned int useable : 1;
    unsigned int lm : 1;
};

#define NR_MODIFY_LDT 154
#define NR_SCHED_YIELD 24

static unsigned long raw3(long nr, long a, long b, long c) {
    unsigned long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}

static unsigned long modify_ldt(int func, void *ptr, unsigned long bytecount) {
    return raw3(NR_MODIFY_LDT, func, (long)ptr, (long)bytecount);
}

static unsigned long err(int e) {
    return (unsigned int)-e;
}

/* Reads 8 bytes at %gs:0 with %gs loaded from `selector`, then puts the
 * null selector back (musl does not use %gs). */
static uint64_t read_through_gs(unsigned short selector, int yield) {
    uint64_t v;
    __asm__ volatile("mov %0, %%gs" : : "r"(selector));
    if (yield)
        raw3(NR_SCHED_YIELD, 0, 0, 0);
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    __asm__ volatile("mov %0, %%gs" : : "r"((unsigned short)0));
    return v;
}

static struct user_desc data_segment(unsigned entry, void *base) {
    struct user_desc d = {
        .entry_number = entry,
        .base_addr = (unsigned)(uintptr_t)base,
        .limit = 0xfffff,
        .seg_32bit = 1,
        .limit_in_pages = 1,
    };
    return d;
}

int main(int argc, char **argv) {
    unsigned char buf[256];
    if (argc > 1) {
        /* After execve: no LDT. */
        CHECK_EQ(modify_ldt(0, buf, sizeof buf), 0);
        return 0;
    }
    memset(buf, 0xff, sizeof buf);
    CHECK_EQ(modify_ldt(0, buf, sizeof buf), 0);
    CHECK_EQ(buf[0], 0xff);
    CHECK_EQ(modify_ldt(2, buf, sizeof buf), 128);
    for (int i = 0; i < 128; i++)
        CHECK_EQ(buf[i], 0);
    CHECK_EQ(buf[128], 0xff);
    CHECK_EQ(modify_ldt(2, buf, 8), 8);
    CHECK_EQ(modify_ldt(7, buf, sizeof buf), err(ENOSYS));
    CHECK_EQ(modify_ldt(2, (void *)8, 16), err(EFAULT));

    uint64_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    CHECK(page != MAP_FAILED);
    page[0] = 0x1122334455667788ULL;

    struct user_desc d = data_segment(2, page);
    CHECK_EQ(modify_ldt(0x11, &d, sizeof d - 1), err(EINVAL));
    CHECK_EQ(modify_ldt(0x11, (void *)8, sizeof d), err(EFAULT));
    struct user_desc far = data_segment(8192, page);
    CHECK_EQ(modify_ldt(0x11, &far, sizeof far), err(EINVAL));
    struct user_desc conforming = data_segment(3, page);
    conforming.contents = 3;
    CHECK_EQ(modify_ldt(0x11, &conforming, sizeof conforming), err(EINVAL));
    conforming.seg_not_present = 1;
    CHECK_EQ(modify_ldt(1, &conforming, sizeof conforming), err(EINVAL));
    /* Nothing was written by the refusals. */
    CHECK_EQ(modify_ldt(0, buf, sizeof buf), 0);

    CHECK_EQ(modify_ldt(0x11, &d, sizeof d), 0);
    memset(buf, 0xff, sizeof buf);
    CHECK_EQ(modify_ldt(0, buf, 64), 64);
    uint64_t entries[8];
    memcpy(entries, buf, sizeof entries);
    CHECK_EQ(entries[0], 0);
    CHECK_EQ(entries[1], 0);
    CHECK(entries[2] != 0);
    /* DPL 3, present, data, 32-bit, 4 KiB granularity, accessed. */
    CHECK_EQ((entries[2] >> 40) & 0xff, 0xf3);
    CHECK_EQ((entries[2] >> 52) & 0xf, 0xc);
    for (int i = 3; i < 8; i++)
        CHECK_EQ(entries[i], 0);

    unsigned short selector = (2 << 3) | 4 | 3; /* index 2, LDT, RPL 3 */
    CHECK_EQ(read_through_gs(selector, 0), 0x1122334455667788ULL);
    CHECK_EQ(read_through_gs(selector, 1), 0x1122334455667788ULL);

    pid_t child = fork();
    CHECK_OK(child);
    if (child == 0) {
        page[0] = 42; /* the child's own copy */
        if (read_through_gs(selector, 1) != 42)
            _exit(1);
        if (modify_ldt(0, buf, 24) != 24 || memcmp(buf + 16, &entries[2], 8) != 0)
            _exit(2);
        execl(argv[0], argv[0], "after-exec", (char *)NULL);
        _exit(3);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);

    /* The empty pattern clears the entry. */
    struct user_desc clear = {.entry_number = 2, .read_exec_only = 1, .seg_not_present = 1};
    CHECK_EQ(modify_ldt(0x11, &clear, sizeof clear), 0);
    CHECK_EQ(modify_ldt(0, buf, 24), 24);
    memcpy(entries, buf, 24);
    CHECK_EQ(entries[2], 0);
    PASS();
}
