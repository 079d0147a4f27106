/* Integer division by zero raises SIGFPE with si_code FPE_INTDIV and
 * si_addr the address of the divide instruction. */
#include "st.h"

extern char div_insn[];
static sigjmp_buf env;
static volatile siginfo_t got;
static volatile unsigned long rip;

static void h(int sig, siginfo_t *si, void *ucv)
{
    got = *si;
    rip = ((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];
    siglongjmp(env, 1);
}

int main(void)
{
    on_siginfo(SIGFPE, h, 0);
    if (sigsetjmp(env, 1) == 0) {
        int q, r;
        __asm__ volatile("xor %%edx, %%edx\n\t"
                         ".globl div_insn\n"
                         "div_insn: divl %2\n\t"
                         : "=a"(q), "=&d"(r)
                         : "r"(0), "a"(10));
        FAIL("no SIGFPE (%d %d)", q, r);
    }
    CHECK_EQ(got.si_signo, SIGFPE);
    CHECK_EQ(got.si_code, FPE_INTDIV);
    CHECK_EQ((unsigned long)got.si_addr, (unsigned long)div_insn);
    CHECK_EQ(rip, (unsigned long)div_insn);
    PASS();
}
