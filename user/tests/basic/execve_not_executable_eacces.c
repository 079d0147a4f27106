/* execve of a file without execute permission fails with EACCES (even for
 * root: at least one x bit is needed), and of a directory with EACCES. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-noexec-%d", getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "#!/bin/sh\nexit 0\n", 17), 17);
    close(fd);
    CHECK_OK(chmod(path, 0644));
    char *args[] = {path, NULL};
    char *env[] = {NULL};
    CHECK_ERR(execve(path, args, env), EACCES);
    CHECK_ERR(execve("/tmp", args, env), EACCES);
    unlink(path);
    PASS();
}
