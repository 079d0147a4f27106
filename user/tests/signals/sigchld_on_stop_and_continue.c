/* Without SA_NOCLDSTOP, the parent also gets SIGCHLD when a child stops
 * (CLD_STOPPED, si_status the stop signal) and continues (CLD_CONTINUED,
 * si_status SIGCONT). */
#include "st.h"

int main(void)
{
    sigset_t set;
    siginfo_t si;
    struct timespec ts = {10, 0};
    int st;
    block(SIGCHLD);
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        for (;;)
            pause();
    }
    CHECK_OK(kill(pid, SIGSTOP));
    CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGCHLD);
    CHECK_EQ(si.si_code, CLD_STOPPED);
    CHECK_EQ(si.si_status, SIGSTOP);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGCHLD);
    CHECK_EQ(si.si_code, CLD_CONTINUED);
    CHECK_EQ(si.si_status, SIGCONT);
    CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
    CHECK(WIFCONTINUED(st));
    CHECK_OK(kill(pid, SIGKILL));
    CHECK_KILLED_BY(wait_for(pid), SIGKILL);
    PASS();
}
