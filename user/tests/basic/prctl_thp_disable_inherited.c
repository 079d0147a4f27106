/* PR_SET_THP_DISABLE sets a flag PR_GET_THP_DISABLE reports (as 0/1);
 * non-zero unused arguments are EINVAL; a forked child inherits it.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    CHECK_EQ(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 0);
    CHECK_ERR(prctl(PR_GET_THP_DISABLE, 1, 0, 0, 0), EINVAL);
    CHECK_ERR(prctl(PR_SET_THP_DISABLE, 1, 1, 0, 0), EINVAL);
    CHECK_OK(prctl(PR_SET_THP_DISABLE, 5, 0, 0, 0));
    CHECK_EQ(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 1);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1 ? 0 : 2);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_OK(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0));
    CHECK_EQ(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 0);
    PASS();
}
