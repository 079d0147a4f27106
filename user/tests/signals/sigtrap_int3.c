/* int3 raises SIGTRAP (si_code SI_KERNEL on Linux x86_64); the saved RIP
 * points just after the int3, so returning from the handler continues. */
#include "st.h"

extern char after_int3[];
static volatile int calls, code;
static volatile unsigned long rip;

static void h(int sig, siginfo_t *si, void *ucv)
{
    calls++;
    code = si->si_code;
    rip = ((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];
}

int main(void)
{
    on_siginfo(SIGTRAP, h, 0);
    __asm__ volatile("int3\n.globl after_int3\nafter_int3:\n");
    CHECK_EQ(calls, 1);
    CHECK_EQ(code, SI_KERNEL);
    CHECK_EQ(rip, (unsigned long)after_int3);
    PASS();
}
