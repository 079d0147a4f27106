/* SIGKILL and SIGSTOP cannot be caught or ignored (sigaction: EINVAL) nor
 * blocked (silently left out of the mask); a child that tries still dies
 * by SIGKILL. */
#include "st.h"

static void h(int sig) {}

int main(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    CHECK_ERR(sigaction(SIGKILL, &sa, 0), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, 0), EINVAL);
    sa.sa_handler = SIG_IGN;
    CHECK_ERR(sigaction(SIGKILL, &sa, 0), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, 0), EINVAL);
    CHECK_OK(sigaction(SIGKILL, 0, &old)); /* querying is fine */
    CHECK(old.sa_handler == SIG_DFL);
    sigset_t all;
    sigfillset(&all);
    CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, 0, _NSIG / 8));
    CHECK(!is_blocked(SIGKILL));
    CHECK(!is_blocked(SIGSTOP));
    CHECK(is_blocked(SIGTERM));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        kill(getpid(), SIGKILL);
        _exit(1);
    }
    CHECK_KILLED_BY(wait_for(pid), SIGKILL);
    PASS();
}
