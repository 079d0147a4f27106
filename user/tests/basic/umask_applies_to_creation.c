/* The umask clears bits from the mode given to open(O_CREAT), mkdir and
 * mknod-like creations; umask returns the previous mask; it is inherited by
 * a child. chmod is not affected by the umask. */
#include "t.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char f[64], d[64];
    snprintf(f, sizeof f, "/tmp/weft-umask-f-%d", getpid());
    snprintf(d, sizeof d, "/tmp/weft-umask-d-%d", getpid());
    umask(027);
    CHECK_EQ(umask(077), 027);
    CHECK_EQ(umask(027), 077);
    int fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0666);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(mkdir(d, 0777));
    struct stat st;
    CHECK_OK(stat(f, &st));
    CHECK_EQ(st.st_mode & 0777, 0640);
    CHECK_OK(stat(d, &st));
    CHECK_EQ(st.st_mode & 0777, 0750);
    CHECK_OK(chmod(f, 0777));
    CHECK_OK(stat(f, &st));
    CHECK_EQ(st.st_mode & 0777, 0777);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(umask(0) == 027 ? 0 : 1);
    int s;
    CHECK_EQ(waitpid(pid, &s, 0), pid);
    CHECK_EQ(WEXITSTATUS(s), 0);
    unlink(f);
    rmdir(d);
    PASS();
}
