/* wait4 reports the child's exit code through WEXITSTATUS: 0, 1, 255, and
 * exit(256) is truncated to 0. */
#include "t.h"
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int codes[] = {0, 1, 42, 255, 256};
    int want[] = {0, 1, 42, 255, 0};
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            _exit(codes[i]);
        int st = -1;
        struct rusage ru;
        CHECK_EQ(wait4(pid, &st, 0, &ru), pid);
        CHECK(WIFEXITED(st));
        CHECK(!WIFSIGNALED(st));
        CHECK_EQ(WEXITSTATUS(st), want[i]);
        CHECK_EQ(st & 0x7f, 0);
    }
    PASS();
}
