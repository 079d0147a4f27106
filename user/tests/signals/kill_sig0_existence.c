/* kill(pid, 0) checks existence without sending anything: 0 for self and
 * for a live or zombie child, ESRCH once the child is reaped; an invalid
 * signal number is EINVAL. */
#include "st.h"

int main(void)
{
    CHECK_OK(kill(getpid(), 0));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        sleep_ms(100);
        _exit(0);
    }
    CHECK_OK(kill(pid, 0));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT)); /* now a zombie */
    CHECK_EQ(si.si_pid, pid);
    CHECK_OK(kill(pid, 0));
    CHECK_EXITED(wait_for(pid), 0);
    CHECK_ERR(kill(pid, 0), ESRCH);
    CHECK_ERR(kill(getpid(), 65), EINVAL);
    CHECK_ERR(kill(getpid(), -1), EINVAL);
    PASS();
}
