/* SA_NODEFER: the signal is not blocked in its own handler, so raising it
 * there runs the handler again at once (nested). Without SA_NODEFER the
 * second delivery waits until the first handler returns. */
#include "st.h"

static volatile int depth, max_depth, calls;

static void h(int sig)
{
    calls++;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (calls == 1)
        raise(sig);
    depth--;
}

int main(void)
{
    on_signal(SIGUSR1, h, SA_NODEFER);
    raise(SIGUSR1);
    CHECK_EQ(calls, 2);
    CHECK_EQ(max_depth, 2);
    calls = depth = max_depth = 0;
    on_signal(SIGUSR1, h, 0);
    raise(SIGUSR1);
    CHECK_EQ(calls, 2);
    CHECK_EQ(max_depth, 1);
    PASS();
}
