/* WEFT-ONLY: holds 64 MiB in pipes (runs in QEMU, on weft or Linux).
 *
 * 1,024 pipes each filled to their 64 KiB capacity hold 64 MiB; when they
 * are all closed, MemFree comes back (within 16 MiB). Before issue 17,
 * weft's kernel heap kept the pipe buffers' memory for good after a
 * burst like this. */
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "t.h"
#include "sysstate.h"

#define PIPES 1024

static int fds[PIPES][2];

int main(void)
{
    struct rlimit rl = {4 * PIPES, 4 * PIPES};
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
    long before = memfree_kb();
    static char block[65536];
    memset(block, 'p', sizeof block);
    long held = 0;
    for (int i = 0; i < PIPES; i++) {
        CHECK_OK(pipe2(fds[i], O_NONBLOCK));
        ssize_t n;
        while ((n = write(fds[i][1], block, sizeof block)) > 0)
            held += n;
        CHECK_EQ(errno, EAGAIN);
    }
    CHECK_EQ(held, (long)PIPES * 65536);
    for (int i = 0; i < PIPES; i++) {
        CHECK_OK(close(fds[i][0]));
        CHECK_OK(close(fds[i][1]));
    }
    long after = memfree_back(before, 16 * 1024);
    if (after < before - 16 * 1024)
        FAIL("MemFree %ld kB before, %ld kB after closing %d full pipes", before, after, PIPES);
    PASS();
}
