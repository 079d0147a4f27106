/* MADV_WIPEONFORK: a fork child finds the range zero-filled while the
 * parent keeps its data; MADV_KEEPONFORK undoes it. Only private
 * anonymous memory takes it: a shared or a file mapping gives EINVAL.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_sees(volatile char *p, char c)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(p[0] == c && p[4095] == c ? 0 : 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(void)
{
    char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 'x', 4096);
    CHECK_OK(madvise(p, 4096, MADV_WIPEONFORK));
    CHECK(child_sees(p, 0));
    CHECK_EQ(p[0], 'x');
    CHECK_OK(madvise(p, 4096, MADV_KEEPONFORK));
    CHECK(child_sees(p, 'x'));

    char *s = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED);
    CHECK_ERR(madvise(s, 4096, MADV_WIPEONFORK), EINVAL);

    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-wipe-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, p, 4096), 4096);
    char *f = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(f != MAP_FAILED);
    CHECK_ERR(madvise(f, 4096, MADV_WIPEONFORK), EINVAL);
    unlink(path);
    PASS();
}
