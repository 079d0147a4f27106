/* WEFT-ONLY: mounts a file system, so it must not run on a development
 * host (it runs in QEMU, on weft or on the reference Linux).
 *
 * mount a tmpfs on a fresh directory: files created there live on a
 * different device, vanish with umount, and the directory shows its old
 * (empty) contents again. umount of a busy mount (cwd inside) is EBUSY, of a
 * non-mount-point EINVAL; an unknown fs type is ENODEV. */
#include "t.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char dir[64], file[96];
    snprintf(dir, sizeof dir, "/tmp/weft-mnt-%d", getpid());
    snprintf(file, sizeof file, "%s/inside", dir);
    CHECK_OK(mkdir(dir, 0755));
    struct stat before, after;
    CHECK_OK(stat(dir, &before));
    CHECK_OK(mount("tmpfs", dir, "tmpfs", 0, "size=1m"));
    CHECK_OK(stat(dir, &after));
    CHECK(after.st_dev != before.st_dev);
    int fd = open(file, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "x", 1), 1);
    close(fd);
    CHECK_OK(chdir(dir));
    CHECK_ERR(umount(dir), EBUSY);
    CHECK_OK(chdir("/"));
    CHECK_OK(umount(dir));
    CHECK_ERR(access(file, F_OK), ENOENT);
    CHECK_OK(stat(dir, &after));
    CHECK_EQ(after.st_dev, before.st_dev);
    CHECK_ERR(umount(dir), EINVAL);
    CHECK_ERR(mount("none", dir, "weft-no-such-fs", 0, NULL), ENODEV);
    CHECK_OK(rmdir(dir));
    PASS();
}
