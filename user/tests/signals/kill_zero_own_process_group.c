/* kill(0, sig) signals every process in the caller's process group and
 * nothing outside it. A child makes itself a group leader (setpgid) and
 * forks a grandchild into its group, then calls kill(0, SIGUSR1): both get
 * it (sigtimedwait), the test process (another group) does not. */
#include "st.h"

static volatile int parent_got;
static void h(int sig) { parent_got++; }

static int wait_usr1(pid_t from)
{
    sigset_t set;
    siginfo_t si;
    struct timespec ts = {10, 0};
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    if (sigtimedwait(&set, &si, &ts) != SIGUSR1)
        return 0;
    return si.si_code == SI_USER && si.si_pid == from;
}

int main(void)
{
    on_signal(SIGUSR1, h, 0);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        /* Never kill(0) unless we really lead a fresh group. */
        if (setpgid(0, 0) != 0 || getpgrp() != getpid())
            _exit(10);
        block(SIGUSR1);
        pid_t me = getpid();
        pid_t g = fork();
        if (g < 0)
            _exit(11);
        if (g == 0)
            _exit(wait_usr1(me) ? 0 : 1);
        if (kill(0, SIGUSR1) != 0)
            _exit(12);
        int ok_self = wait_usr1(me);
        int st = wait_for(g);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            _exit(13);
        _exit(ok_self ? 0 : 14);
    }
    CHECK_EXITED(wait_for(pid), 0);
    sleep_ms(20);
    CHECK_EQ(parent_got, 0);
    PASS();
}
