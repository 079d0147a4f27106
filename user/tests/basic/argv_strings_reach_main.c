/* argc and argv reach main intact: re-executing itself with many arguments
 * (empty ones, spaces, long ones), the program sees exactly those. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

#define N 40

static void make_arg(char *buf, int i)
{
    if (i % 10 == 3)
        buf[0] = 0;
    else if (i % 10 == 7)
        memset(buf, 'L', 1000), buf[1000] = 0;
    else
        snprintf(buf, 64, "arg %d with spaces", i);
}

int main(int argc, char **argv)
{
    static char bufs[N][1024];
    if (argc > 1) {
        if (argc != N + 2 || strcmp(argv[1], "child"))
            _exit(2);
        for (int i = 0; i < N; i++) {
            make_arg(bufs[i], i);
            if (strcmp(argv[i + 2], bufs[i]))
                _exit(3);
        }
        _exit(argv[argc] == NULL ? 0 : 4);
    }
    CHECK(argc >= 1);
    CHECK(argv[0] != NULL && argv[0][0] != 0);
    CHECK(argv[argc] == NULL);
    char *args[N + 3];
    args[0] = argv[0];
    args[1] = "child";
    for (int i = 0; i < N; i++) {
        make_arg(bufs[i], i);
        args[i + 2] = bufs[i];
    }
    args[N + 2] = NULL;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execv(argv[0], args);
        _exit(99);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
