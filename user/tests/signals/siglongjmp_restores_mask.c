/* Leaving a handler with siglongjmp: sigsetjmp(env, 1) restores the mask
 * saved at sigsetjmp (the handled signal is unblocked again), while
 * sigsetjmp(env, 0) does not (it stays blocked, as in the handler). */
#include "st.h"

static sigjmp_buf env;
static volatile int calls;

static void h(int sig)
{
    calls++;
    siglongjmp(env, 1);
}

int main(void)
{
    on_signal(SIGUSR1, h, 0);
    if (sigsetjmp(env, 1) == 0) {
        raise(SIGUSR1);
        FAIL("handler returned");
    }
    CHECK_EQ(calls, 1);
    CHECK(!is_blocked(SIGUSR1));
    if (sigsetjmp(env, 0) == 0) {
        raise(SIGUSR1);
        FAIL("handler returned");
    }
    CHECK_EQ(calls, 2);
    CHECK(is_blocked(SIGUSR1));
    PASS();
}
