/* execveat with a directory fd and a relative path runs the program found
 * in that directory, just as execve would with the full path. The test
 * re-executes itself that way (a marker in the environment tells the new
 * image to report success). Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <libgen.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    (void)argc;
    if (getenv("WEFT_EXECVEAT_DIRFD"))
        _exit(42);
    char dir[4096], base[4096];
    snprintf(dir, sizeof dir, "%s", argv[0]);
    snprintf(base, sizeof base, "%s", argv[0]);
    int dirfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
    CHECK(dirfd >= 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char *args[] = {"relative", NULL};
        char *envp[] = {"WEFT_EXECVEAT_DIRFD=1", NULL};
        syscall(SYS_execveat, dirfd, basename(base), args, envp, 0);
        _exit(errno);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 42);
    PASS();
}
