/* Executing ud2 raises SIGILL with si_code ILL_ILLOPN and si_addr the
 * address of the instruction. */
#include "st.h"

extern char ud2_insn[];
static sigjmp_buf env;
static volatile siginfo_t got;

static void h(int sig, siginfo_t *si, void *uc)
{
    got = *si;
    siglongjmp(env, 1);
}

int main(void)
{
    on_siginfo(SIGILL, h, 0);
    if (sigsetjmp(env, 1) == 0) {
        __asm__ volatile(".globl ud2_insn\nud2_insn: ud2\n");
        FAIL("no SIGILL");
    }
    CHECK_EQ(got.si_signo, SIGILL);
    CHECK_EQ(got.si_code, ILL_ILLOPN);
    CHECK_EQ((unsigned long)got.si_addr, (unsigned long)ud2_insn);
    PASS();
}
