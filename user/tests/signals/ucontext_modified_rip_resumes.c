/* Returning from a SIGSEGV handler resumes at the context's RIP: the
 * handler checks RIP is the faulting instruction and moves it past, so
 * execution continues at the label after it. */
#include "st.h"

extern char fault_insn[], fault_resume[];
static volatile unsigned long seen_rip, seen_addr;
static volatile int calls;

static void h(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    calls++;
    seen_rip = uc->uc_mcontext.gregs[REG_RIP];
    seen_addr = (unsigned long)si->si_addr;
    uc->uc_mcontext.gregs[REG_RIP] = (unsigned long)fault_resume;
}

int main(void)
{
    char *bad = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(bad != MAP_FAILED);
    on_siginfo(SIGSEGV, h, 0);
    __asm__ volatile(".globl fault_insn\n"
                     "fault_insn: movl $1, (%0)\n\t"
                     ".globl fault_resume\n"
                     "fault_resume:\n"
                     :
                     : "r"(bad + 16)
                     : "memory");
    CHECK_EQ(calls, 1);
    CHECK_EQ(seen_rip, (unsigned long)fault_insn);
    CHECK_EQ(seen_addr, (unsigned long)(bad + 16));
    PASS();
}
