/* WEFT-ONLY: mounts file systems (runs in QEMU, on weft or Linux).
 *
 * tmpfs is bounded as on Linux (mm/shmem.c):
 * - `size=1m` allows 256 pages: writing stops there, the short write
 *   returns what fit and the next one is ENOSPC; statfs shows f_blocks 256
 *   and f_bfree 0. A fault of a MAP_SHARED page that does not fit is
 *   SIGBUS. Deleting a file gives its pages back.
 * - `nr_inodes=8` allows 8 inodes, the root included: creating the 9th is
 *   ENOSPC.
 * - `mode=` sets the root's mode; an unknown option is EINVAL.
 * - A remount may grow the size, but not shrink it below what is in use
 *   (EINVAL).
 * - Without options the bounds are half of RAM: f_blocks and f_files are
 *   sysinfo's totalram / 2 in pages. */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

#define TMPFS_MAGIC 0x01021994

static char dir[64];

static int create(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
}

/* Writes 64 KiB blocks until an error; returns the bytes written. */
static long fill(int fd, int *err)
{
    static char block[65536];
    memset(block, 'x', sizeof block);
    long total = 0;
    for (;;) {
        ssize_t n = write(fd, block, sizeof block);
        if (n < 0) {
            *err = errno;
            return total;
        }
        total += n;
    }
}

static void check_default_bounds(void)
{
    struct sysinfo si;
    CHECK_OK(sysinfo(&si));
    unsigned long long ram_pages = (unsigned long long)si.totalram * si.mem_unit / 4096;
    CHECK_OK(mount("tmpfs", dir, "tmpfs", 0, NULL));
    struct statfs fs;
    CHECK_OK(statfs(dir, &fs));
    CHECK_EQ(fs.f_type, TMPFS_MAGIC);
    CHECK_EQ(fs.f_blocks, ram_pages / 2);
    CHECK_EQ(fs.f_files, ram_pages / 2);
    CHECK_OK(umount(dir));
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/weft-tmpfs-bounds-%d", getpid());
    CHECK_OK(mkdir(dir, 0755));
    CHECK_ERR(mount("tmpfs", dir, "tmpfs", 0, "size=1m,bogus=1"), EINVAL);
    CHECK_OK(mount("tmpfs", dir, "tmpfs", 0, "size=1m,nr_inodes=8,mode=0700"));

    struct stat st;
    CHECK_OK(stat(dir, &st));
    CHECK_EQ(st.st_mode & 07777, 0700);
    struct statfs fs;
    CHECK_OK(statfs(dir, &fs));
    CHECK_EQ(fs.f_type, TMPFS_MAGIC);
    CHECK_EQ(fs.f_bsize, 4096);
    CHECK_EQ(fs.f_blocks, 256);
    CHECK_EQ(fs.f_bfree, 256);
    CHECK_EQ(fs.f_files, 8);
    CHECK_EQ(fs.f_ffree, 7);

    /* Pages. */
    int big = create("big");
    CHECK(big >= 0);
    int err = 0;
    CHECK_EQ(fill(big, &err), 1 << 20);
    CHECK_EQ(err, ENOSPC);
    CHECK_OK(statfs(dir, &fs));
    CHECK_EQ(fs.f_bfree, 0);

    int sparse = create("sparse");
    CHECK(sparse >= 0);
    CHECK_OK(ftruncate(sparse, 4096));
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, sparse, 0);
    CHECK(p != MAP_FAILED);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        p[0] = 1;
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGBUS);
    CHECK_OK(munmap(p, 4096));

    /* A remount may grow the bound, not shrink it below use. */
    CHECK_ERR(mount(NULL, dir, NULL, MS_REMOUNT, "size=512k"), EINVAL);
    CHECK_OK(mount(NULL, dir, NULL, MS_REMOUNT, "size=2m"));
    CHECK_OK(statfs(dir, &fs));
    CHECK_EQ(fs.f_blocks, 512);
    CHECK_EQ(write(big, "y", 1), 1);

    /* Deleting gives the pages back. */
    char path[128];
    snprintf(path, sizeof path, "%s/big", dir);
    CHECK_OK(unlink(path));
    CHECK_OK(close(big));
    CHECK_OK(statfs(dir, &fs));
    CHECK_EQ(fs.f_bfree, 512);

    /* Inodes: the root, "sparse", and 6 more. */
    char name[16];
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "f%d", i);
        int fd = create(name);
        CHECK(fd >= 0);
        close(fd);
    }
    CHECK_ERR(create("one-too-many"), ENOSPC);
    snprintf(path, sizeof path, "%s/d", dir);
    CHECK_ERR(mkdir(path, 0700), ENOSPC);
    CHECK_OK(statfs(dir, &fs));
    CHECK_EQ(fs.f_ffree, 0);

    close(sparse);
    CHECK_OK(umount(dir));
    check_default_bounds();
    CHECK_OK(rmdir(dir));
    PASS();
}
