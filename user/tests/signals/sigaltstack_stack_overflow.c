/* A thread overflows its (64 KiB, guard-protected) stack; its SIGSEGV
 * handler, installed with SA_ONSTACK, runs on the thread's alternate
 * signal stack (its locals lie there and sigaltstack reports SS_ONSTACK),
 * then siglongjmps out. */
#include "st.h"

#define ALT_SIZE (64 * 1024)

static __thread sigjmp_buf env;
static __thread char *alt_base;
static volatile int on_alt, ss_onstack, stop;
static volatile char *fault_sp;

static void h(int sig, siginfo_t *si, void *uc)
{
    volatile char here;
    stack_t cur;
    fault_sp = &here;
    on_alt = (&here >= alt_base && &here < alt_base + ALT_SIZE);
    sigaltstack(0, &cur);
    ss_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
    siglongjmp(env, 1);
}

static int recurse(int n)
{
    volatile char buf[1024];
    buf[0] = (char)n;
    if (stop)
        return 0;
    return recurse(n + 1) + buf[0];
}

static void *fn(void *arg)
{
    stack_t ss;
    alt_base = malloc(ALT_SIZE);
    ss.ss_sp = alt_base;
    ss.ss_size = ALT_SIZE;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, 0))
        return (void *)1;
    if (sigsetjmp(env, 1) == 0) {
        recurse(0);
        return (void *)2;
    }
    return 0;
}

int main(void)
{
    pthread_t t;
    pthread_attr_t a;
    void *r;
    on_siginfo(SIGSEGV, h, SA_ONSTACK);
    CHECK_PT(pthread_attr_init(&a));
    CHECK_PT(pthread_attr_setstacksize(&a, 64 * 1024));
    CHECK_PT(pthread_create(&t, &a, fn, 0));
    CHECK_PT(pthread_join(t, &r));
    CHECK_EQ((long)r, 0);
    CHECK_EQ(on_alt, 1);
    CHECK_EQ(ss_onstack, 1);
    PASS();
}
