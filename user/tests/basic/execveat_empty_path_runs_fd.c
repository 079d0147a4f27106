/* execveat(fd, "", ..., AT_EMPTY_PATH) runs the executable the fd refers
 * to; without AT_EMPTY_PATH the empty path is ENOENT. The test re-executes
 * itself through an fd of its own file. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define AT_EMPTY_PATH_FLAG 0x1000

int main(int argc, char **argv) {
    (void)argc;
    if (getenv("WEFT_EXECVEAT_EMPTY"))
        _exit(42);
    int fd = open(argv[0], O_RDONLY);
    CHECK(fd >= 0);
    char *args[] = {"by-fd", NULL};
    char *envp[] = {"WEFT_EXECVEAT_EMPTY=1", NULL};
    CHECK_ERR(syscall(SYS_execveat, fd, "", args, envp, 0), ENOENT);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        syscall(SYS_execveat, fd, "", args, envp, AT_EMPTY_PATH_FLAG);
        _exit(errno);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 42);
    PASS();
}
