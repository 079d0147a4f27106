/* AT_PHDR/AT_PHENT/AT_PHNUM point at this program's own program headers
 * (PT_LOAD segments cover main and a global), and AT_ENTRY is the ELF
 * entry point (_start), which lies in an executable PT_LOAD segment. For a
 * static non-PIE binary, AT_PHDR = first PT_LOAD vaddr + e_phoff. */
#include "t.h"
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>

int global_var = 1;
extern void _start(void);

static int covered(const Elf64_Phdr *ph, unsigned n, uintptr_t a, uint32_t need)
{
    for (unsigned i = 0; i < n; i++)
        if (ph[i].p_type == PT_LOAD && a >= ph[i].p_vaddr && a < ph[i].p_vaddr + ph[i].p_memsz &&
            (ph[i].p_flags & need) == need)
            return 1;
    return 0;
}

int main(void)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned n = getauxval(AT_PHNUM);
    CHECK(ph != NULL);
    CHECK(n > 0 && n < 64);
    CHECK_EQ(getauxval(AT_PHENT), sizeof(Elf64_Phdr));
    int loads = 0, has_phdr_seg = 0;
    for (unsigned i = 0; i < n; i++) {
        loads += ph[i].p_type == PT_LOAD;
        if (ph[i].p_type == PT_PHDR) {
            has_phdr_seg = 1;
            CHECK_EQ(ph[i].p_vaddr, (uintptr_t)ph);
        }
    }
    CHECK(loads >= 1);
    CHECK(covered(ph, n, (uintptr_t)&main, PF_X | PF_R));
    CHECK(covered(ph, n, (uintptr_t)&global_var, PF_W | PF_R));
    uintptr_t entry = getauxval(AT_ENTRY);
    CHECK_EQ(entry, (uintptr_t)&_start);
    CHECK(covered(ph, n, entry, PF_X));
    /* The ELF header at the start of the first PT_LOAD (file offset 0)
     * agrees with the auxv. */
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0) {
            const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(ph[i].p_vaddr);
            CHECK(!memcmp(eh->e_ident, ELFMAG, SELFMAG));
            CHECK_EQ(eh->e_entry, entry);
            CHECK_EQ(eh->e_phnum, n);
            CHECK_EQ(ph[i].p_vaddr + eh->e_phoff, (uintptr_t)ph);
            break;
        }
    }
    (void)has_phdr_seg;
    PASS();
}
