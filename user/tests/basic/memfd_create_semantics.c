/* memfd_create makes an unnamed read-write regular file: flags and name
 * checks (EINVAL, EFAULT), close-on-exec on request, /proc/self/fd names it
 * "/memfd:<name> (deleted)", and it reads, writes, truncates and maps
 * shared like a tmpfs file (a child's store through the mapping shows in
 * the parent's pread). */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int memfd(const char *name, unsigned flags)
{
    return (int)syscall(SYS_memfd_create, name, flags);
}

int main(void)
{
    char name[260];
    memset(name, 'n', sizeof name);
    name[250] = 0;
    CHECK_ERR(memfd(name, 0), EINVAL); /* 250 bytes: one too many */
    name[249] = 0;
    int longfd = memfd(name, 0);
    CHECK_OK(longfd);
    close(longfd);
    CHECK_ERR(memfd("x", 0x100), EINVAL);
    CHECK_ERR(memfd((const char *)8, 0), EFAULT);

    int fd = memfd("weft", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    CHECK_OK(fd);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    int plain = memfd("plain", 0);
    CHECK_OK(plain);
    CHECK_EQ(fcntl(plain, F_GETFD), 0);

    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(st.st_size, 0);

    char link[64], want[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, want, sizeof want - 1);
    CHECK(n > 0);
    want[n] = 0;
    CHECK(!strcmp(want, "/memfd:weft (deleted)"));

    CHECK_EQ(write(fd, "hello", 5), 5);
    char buf[8] = {0};
    CHECK_EQ(pread(fd, buf, 5, 0), 5);
    CHECK(!strcmp(buf, "hello"));
    CHECK_OK(ftruncate(fd, 3 * 4096));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 3 * 4096);

    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    CHECK(!memcmp(m, "hello", 5));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        memcpy(m + 2 * 4096 + 7, "child", 5);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(pread(fd, buf, 5, 2 * 4096 + 7), 5);
    CHECK(!memcmp(buf, "child", 5));
    CHECK_OK(munmap(m, 3 * 4096));
    close(fd);
    close(plain);
    PASS();
}
