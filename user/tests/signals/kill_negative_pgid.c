/* kill(-pgid, sig) signals every member of that process group: the test
 * puts a child in a new group, the child forks a grandchild into it, and
 * kill(-child) reaches both. A pgid with no members is ESRCH. */
#include "st.h"

static int wait_usr2(void)
{
    sigset_t set;
    siginfo_t si;
    struct timespec ts = {10, 0};
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    if (sigtimedwait(&set, &si, &ts) != SIGUSR2)
        return 0;
    return si.si_code == SI_USER && si.si_pid == getppid();
}

int main(void)
{
    int fds[2];
    char c;
    CHECK_OK(pipe(fds));
    block(SIGUSR2); /* inherited by the children */
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        setpgid(0, 0);
        pid_t me = getpid();
        pid_t g = fork();
        if (g < 0)
            _exit(11);
        if (g == 0) {
            sigset_t set;
            siginfo_t si;
            struct timespec ts = {10, 0};
            sigemptyset(&set);
            sigaddset(&set, SIGUSR2);
            write(fds[1], "g", 1);
            if (sigtimedwait(&set, &si, &ts) != SIGUSR2)
                _exit(1);
            _exit(getpgrp() == me ? 0 : 2);
        }
        if (!wait_usr2())
            _exit(12);
        int st = wait_for(g);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 13);
    }
    setpgid(pid, pid); /* also from this side: no race with the kill */
    CHECK_EQ(read(fds[0], &c, 1), 1); /* grandchild exists, in the group */
    CHECK_OK(kill(-pid, SIGUSR2));
    CHECK_EXITED(wait_for(pid), 0);
    CHECK_ERR(kill(-pid, SIGUSR2), ESRCH); /* the group is gone */
    PASS();
}
