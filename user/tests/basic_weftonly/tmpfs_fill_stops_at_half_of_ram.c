/* WEFT-ONLY: mounts a file system and fills half of RAM (runs in QEMU, on
 * weft or Linux).
 *
 * A program that writes to a tmpfs without end cannot take the machine's
 * memory: a tmpfs mounted without options holds at most half of RAM
 * (Linux's default `size=`), the write that meets the bound is ENOSPC, and
 * unmounting returns the memory. Before the bound, weft's tmpfs grew until
 * MemFree was 0 (issue 17). */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "t.h"
#include "sysstate.h"

int main(void)
{
    char dir[64], path[96];
    snprintf(dir, sizeof dir, "/tmp/weft-tmpfs-fill-%d", getpid());
    snprintf(path, sizeof path, "%s/fill", dir);
    CHECK_OK(mkdir(dir, 0755));
    long before = memfree_kb();
    CHECK_OK(mount("tmpfs", dir, "tmpfs", 0, NULL));
    struct statfs fs;
    CHECK_OK(statfs(dir, &fs));

    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    long total = 0;
    ssize_t n;
    while ((n = write(fd, block, sizeof block)) > 0)
        total += n;
    CHECK_EQ(n, -1);
    CHECK_EQ(errno, ENOSPC);
    CHECK_EQ(total, (long)fs.f_blocks * 4096);
    long during = memfree_kb();
    /* The other half is still there (less what page tables and the test
     * itself use). */
    if (during < before - total / 1024 - 32 * 1024)
        FAIL("MemFree %ld kB before, %ld kB with %ld kB in the tmpfs", before, during, total / 1024);

    CHECK_OK(close(fd));
    CHECK_OK(umount(dir));
    /* Linux's per-CPU free lists and caches hold up to about 24 MiB for a
     * while; a leak here would be the whole half of RAM. */
    long after = memfree_back(before, 32 * 1024);
    if (after < before - 32 * 1024)
        FAIL("MemFree %ld kB before, %ld kB after the unmount", before, after);
    CHECK_OK(rmdir(dir));
    PASS();
}
