/* Many fork/exit/wait and fork/exec/wait cycles in a row all work: nothing
 * leaks per process (pids, memory, fds), and the fd numbers the test uses do
 * not drift. */
#include "t.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 1)
        _exit(atoi(argv[1]));
    int fd0 = open("/dev/null", O_RDONLY);
    CHECK(fd0 >= 0);
    close(fd0);
    for (int i = 0; i < 150; i++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            _exit(i & 0x7f);
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK_EQ(WEXITSTATUS(st), i & 0x7f);
    }
    for (int i = 0; i < 30; i++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            char code[8];
            snprintf(code, sizeof code, "%d", i);
            char *args[] = {argv[0], code, NULL};
            execv(argv[0], args);
            _exit(99);
        }
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), i);
    }
    int fd1 = open("/dev/null", O_RDONLY);
    CHECK_EQ(fd1, fd0);
    PASS();
}
