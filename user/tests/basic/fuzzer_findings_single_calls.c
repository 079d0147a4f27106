/* Single calls the fuzzer (cargo xtask fuzz) found bringing weft down,
 * each answered as Linux answers it:
 *  - recvfrom with a 2 GiB length on an empty non-blocking socket is
 *    EAGAIN (it once allocated the whole length and panicked);
 *  - a thread that exits with its robust-list head at the very end of the
 *    address space just exits (reading head + 8 once overflowed);
 *  - sendto with a 2 GiB length from an unmapped address is EFAULT;
 *  - mmap of a /proc file is ENODEV (weft once mapped it, and naming the
 *    mapping in /proc/<pid>/maps walked /proc, which listed the maps...);
 *    /proc/self/maps and stat still read;
 *  - mincore over a 32 TiB PROT_NONE reservation into a one-page vector
 *    fills the page and then is EFAULT (it once allocated 8 GiB);
 *  - a file mapping whose offset + length passes the largest file size is
 *    EOVERFLOW (its offsets once overflowed at the first fault);
 *  - a private futex word in the last 4 bytes of the address space is
 *    EFAULT (its range check once overflowed);
 *  - mlock of 64 GiB without privilege is ENOMEM at RLIMIT_MEMLOCK,
 *    before anything is faulted in. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    static char buf[16];
    CHECK_ERR(recvfrom(sv[0], buf, 1UL << 31, MSG_DONTWAIT, NULL, NULL), EAGAIN);
    CHECK_ERR(syscall(SYS_sendto, sv[0], 0x100000000000UL, 1UL << 31, MSG_DONTWAIT, 0, 0), EFAULT);

    int status = open("/proc/self/status", O_RDONLY);
    CHECK_OK(status);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, status, 0) == MAP_FAILED && errno == ENODEV);
    char text[4096];
    int maps = open("/proc/self/maps", O_RDONLY);
    CHECK_OK(maps);
    CHECK(read(maps, text, sizeof text) > 0);
    int stat = open("/proc/self/stat", O_RDONLY);
    CHECK_OK(stat);
    CHECK(read(stat, text, sizeof text) > 0);

    size_t huge = 32UL << 40;
    char *reservation = mmap(NULL, huge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(reservation != MAP_FAILED);
    unsigned char *vec = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(vec != MAP_FAILED);
    CHECK_OK(mprotect(vec + 4096, 4096, PROT_NONE));
    CHECK_ERR(mincore(reservation, huge, vec), EFAULT);
    CHECK_OK(munmap(reservation, huge));

    int file = open("/proc/self/exe", O_RDONLY);
    CHECK_OK(file);
    CHECK(mmap(NULL, 0x48000, PROT_READ, MAP_PRIVATE, file, 0xfffffffffffff000UL) == MAP_FAILED && errno == EOVERFLOW);
    CHECK(mmap(NULL, 0x48000, PROT_READ, MAP_PRIVATE, file, 0x7ffffffffffff000UL) == MAP_FAILED && errno == EOVERFLOW);

    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        if (syscall(SYS_set_robust_list, 0xfffffffffffffff8UL, 24) != 0)
            _exit(2);
        syscall(SYS_exit, 0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);

    CHECK_ERR(syscall(SYS_futex, 0xfffffffffffffffcUL, 1 | 128, 1, NULL, NULL, 0), EFAULT);

    pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        size_t len = 64UL << 30;
        char *big = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (big == MAP_FAILED)
            _exit(3);
        if (getuid() == 0 && setuid(65534) != 0)
            _exit(4);
        _exit(mlock(big, len) == -1 && errno == ENOMEM ? 0 : 5);
    }
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
