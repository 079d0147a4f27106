/* An SA_SIGINFO handler's ucontext is readable: uc_mcontext RIP lies in
 * the program text, RSP on the interrupted stack (near main's frame, above
 * the handler's own frame), and uc_sigmask is the mask at interruption. */
#include "st.h"

extern char __executable_start[], etext[];

static volatile unsigned long rip, rsp, handler_sp;
static volatile int mask_had_usr2;

static void h(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    volatile char here;
    rip = uc->uc_mcontext.gregs[REG_RIP];
    rsp = uc->uc_mcontext.gregs[REG_RSP];
    handler_sp = (unsigned long)&here;
    mask_had_usr2 = sigismember(&uc->uc_sigmask, SIGUSR2);
}

int main(void)
{
    volatile char marker;
    on_siginfo(SIGUSR1, h, 0);
    block(SIGUSR2);
    CHECK_OK(raise(SIGUSR1));
    CHECK(rip >= (unsigned long)__executable_start && rip < (unsigned long)etext);
    CHECK(rsp < (unsigned long)&marker);
    CHECK((unsigned long)&marker - rsp < 65536);
    CHECK(handler_sp < rsp);
    CHECK_EQ(mask_had_usr2, 1);
    PASS();
}
