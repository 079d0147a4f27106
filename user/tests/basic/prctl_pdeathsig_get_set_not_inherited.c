/* PR_SET_PDEATHSIG stores a signal number (0 clears it; past 64 is
 * EINVAL) that PR_GET_PDEATHSIG writes back as an int; a forked child
 * starts with none. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    int sig = -1;
    CHECK_OK(prctl(PR_GET_PDEATHSIG, &sig));
    CHECK_EQ(sig, 0);
    CHECK_OK(prctl(PR_SET_PDEATHSIG, SIGHUP));
    CHECK_OK(prctl(PR_GET_PDEATHSIG, &sig));
    CHECK_EQ(sig, SIGHUP);
    CHECK_ERR(prctl(PR_SET_PDEATHSIG, 65), EINVAL);
    CHECK_ERR(prctl(PR_GET_PDEATHSIG, (void *)8), EFAULT);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int s = -1;
        if (prctl(PR_GET_PDEATHSIG, &s) != 0)
            _exit(2);
        _exit(s == 0 ? 0 : 3);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_OK(prctl(PR_SET_PDEATHSIG, 0));
    CHECK_OK(prctl(PR_GET_PDEATHSIG, &sig));
    CHECK_EQ(sig, 0);
    PASS();
}
