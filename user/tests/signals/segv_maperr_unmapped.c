/* Touching an unmapped address raises SIGSEGV with si_code SEGV_MAPERR and
 * si_addr the faulting address. */
#include "st.h"

static sigjmp_buf env;
static volatile siginfo_t got;

static void h(int sig, siginfo_t *si, void *uc)
{
    got = *si;
    siglongjmp(env, 1);
}

int main(void)
{
    char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_OK(munmap(p, 8192));
    on_siginfo(SIGSEGV, h, 0);
    if (sigsetjmp(env, 1) == 0) {
        *(volatile char *)(p + 4100) = 1;
        FAIL("no fault");
    }
    CHECK_EQ(got.si_signo, SIGSEGV);
    CHECK_EQ(got.si_code, SEGV_MAPERR);
    CHECK_EQ((unsigned long)got.si_addr, (unsigned long)(p + 4100));
    /* A read of a low address faults the same way. */
    if (sigsetjmp(env, 1) == 0) {
        volatile int *volatile low = (volatile int *)16;
        (void)*low;
        FAIL("no fault");
    }
    CHECK_EQ(got.si_code, SEGV_MAPERR);
    CHECK_EQ((unsigned long)got.si_addr, 16);
    PASS();
}
