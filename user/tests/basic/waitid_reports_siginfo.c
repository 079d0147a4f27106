/* waitid fills siginfo: si_signo SIGCHLD, si_pid, si_uid, si_code
 * CLD_EXITED with si_status the exit code, or CLD_KILLED with the signal;
 * WNOHANG with nothing ready returns 0 with si_pid 0; WNOWAIT leaves the
 * child waitable. */
#include "t.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t a = fork();
    CHECK(a >= 0);
    if (a == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1);
        _exit(42);
    }
    close(p[0]);
    siginfo_t si;
    memset(&si, 0xff, sizeof si);
    CHECK_EQ(waitid(P_PID, a, &si, WEXITED | WNOHANG), 0);
    CHECK_EQ(si.si_pid, 0);
    close(p[1]);
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, a, &si, WEXITED | WNOWAIT));
    CHECK_EQ(si.si_pid, a);
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_ALL, 0, &si, WEXITED));
    CHECK_EQ(si.si_signo, SIGCHLD);
    CHECK_EQ(si.si_pid, a);
    CHECK_EQ(si.si_uid, getuid());
    CHECK_EQ(si.si_code, CLD_EXITED);
    CHECK_EQ(si.si_status, 42);

    pid_t b = fork();
    CHECK(b >= 0);
    if (b == 0) {
        for (;;)
            pause();
    }
    CHECK_OK(kill(b, SIGKILL));
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, b, &si, WEXITED));
    CHECK_EQ(si.si_pid, b);
    CHECK_EQ(si.si_code, CLD_KILLED);
    CHECK_EQ(si.si_status, SIGKILL);
    PASS();
}
