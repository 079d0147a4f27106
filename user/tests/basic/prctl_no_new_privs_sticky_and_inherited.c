/* PR_SET_NO_NEW_PRIVS takes exactly 1 (other values, or non-zero unused
 * arguments, are EINVAL), cannot be undone, and is inherited by forked
 * children; PR_GET_NO_NEW_PRIVS wants every other argument 0. Done in a
 * child so the test's own process stays unchanged. Checked on Linux 6.1
 * in QEMU. */
#include "t.h"
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXPECT(cond, code) do { if (!(cond)) _exit(code); } while (0)

int main(void) {
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        EXPECT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0, 2);
        EXPECT(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 && errno == EINVAL, 3);
        EXPECT(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) == -1 && errno == EINVAL, 4);
        EXPECT(prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0) == -1 && errno == EINVAL, 5);
        EXPECT(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0) == -1 && errno == EINVAL, 6);
        EXPECT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0, 7);
        EXPECT(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, 8);
        EXPECT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, 9);
        pid_t grandchild = fork();
        if (grandchild == 0)
            _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
        int st;
        EXPECT(waitpid(grandchild, &st, 0) == grandchild && WIFEXITED(st) && WEXITSTATUS(st) == 0, 10);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
    PASS();
}
