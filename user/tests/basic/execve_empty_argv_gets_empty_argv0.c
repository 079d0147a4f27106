/* execve with an empty argv (argv = {NULL}): Linux 6.1 runs the program
 * with argc 1 and argv[0] "" (fs/exec.c inserts it and logs a warning).
 * The test re-executes itself that way and the new image checks what it
 * got; it finds itself again through /proc-free means: the path travels
 * in the environment. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *marker = getenv("WEFT_EMPTY_ARGV");
    if (marker) {
        if (argc != 1)
            _exit(2);
        if (argv[0] == NULL || argv[0][0] != 0)
            _exit(3);
        if (argv[1] != NULL)
            _exit(4);
        _exit(0);
    }
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char *empty[] = {NULL};
        char *envp[] = {"WEFT_EMPTY_ARGV=1", NULL};
        syscall(SYS_execve, argv[0], empty, envp);
        _exit(5);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    PASS();
}
