/* Writing to a read-only page raises SIGSEGV with si_code SEGV_ACCERR and
 * si_addr the faulting address; the page stays readable. */
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
    char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    p[100] = 42;
    CHECK_OK(mprotect(p, 4096, PROT_READ));
    on_siginfo(SIGSEGV, h, 0);
    if (sigsetjmp(env, 1) == 0) {
        *(volatile char *)(p + 100) = 1;
        FAIL("no fault");
    }
    CHECK_EQ(got.si_signo, SIGSEGV);
    CHECK_EQ(got.si_code, SEGV_ACCERR);
    CHECK_EQ((unsigned long)got.si_addr, (unsigned long)(p + 100));
    CHECK_EQ(p[100], 42);
    PASS();
}
