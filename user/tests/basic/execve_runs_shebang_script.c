/* execve of a "#!/bin/sh" script runs the interpreter with the script path
 * and the arguments; the script's exit code comes back through wait. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char path[64], out[64];
    snprintf(path, sizeof path, "/tmp/weft-script-%d", getpid());
    snprintf(out, sizeof out, "/tmp/weft-script-out-%d", getpid());
    const char *script = "#!/bin/sh\necho \"$0|$1|$2|$WEFT_V\" > \"$3\"\nexit 7\n";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, script, strlen(script)), (ssize_t)strlen(script));
    close(fd);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char *args[] = {path, "a b", "c", out, NULL};
        char *env[] = {"WEFT_V=v1", "PATH=/bin:/usr/bin", NULL};
        execve(path, args, env);
        _exit(99);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 7);
    char buf[256] = {0}, want[256];
    fd = open(out, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, buf, sizeof buf - 1) > 0);
    close(fd);
    snprintf(want, sizeof want, "%s|a b|c|v1\n", path);
    if (strcmp(buf, want))
        FAIL("script wrote '%s', expected '%s'", buf, want);
    unlink(path);
    unlink(out);
    PASS();
}
