/* getdents64 on a new directory lists ".", ".." and exactly the entries
 * created in it, with the right d_type; an unlinked entry disappears. */
#include "t.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ent {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static int list(const char *dir, char names[][32], unsigned char *types, int max)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    char buf[512]; /* small: forces several calls */
    int n = 0;
    for (;;) {
        long r = syscall(SYS_getdents64, fd, buf, sizeof buf);
        CHECK(r >= 0);
        if (r == 0)
            break;
        for (long off = 0; off < r;) {
            struct ent *e = (struct ent *)(buf + off);
            CHECK(e->reclen > 0 && off + e->reclen <= r);
            CHECK(n < max);
            snprintf(names[n], 32, "%s", e->name);
            types[n] = e->type;
            n++;
            off += e->reclen;
        }
    }
    close(fd);
    return n;
}

static int find(char names[][32], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}

int main(void)
{
    char dir[64], path[128];
    snprintf(dir, sizeof dir, "/tmp/weft-dents-%d", getpid());
    CHECK_OK(mkdir(dir, 0700));
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "%s/file%02d", dir, i);
        int fd = open(path, O_WRONLY | O_CREAT, 0600);
        CHECK(fd >= 0);
        close(fd);
    }
    snprintf(path, sizeof path, "%s/subdir", dir);
    CHECK_OK(mkdir(path, 0700));
    snprintf(path, sizeof path, "%s/link", dir);
    CHECK_OK(symlink("file00", path));

    char names[64][32];
    unsigned char types[64];
    int n = list(dir, names, types, 64);
    CHECK_EQ(n, 2 + 20 + 2);
    CHECK(find(names, n, ".") >= 0);
    CHECK(find(names, n, "..") >= 0);
    for (int i = 0; i < 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "file%02d", i);
        int k = find(names, n, name);
        CHECK(k >= 0);
        CHECK(types[k] == DT_REG || types[k] == DT_UNKNOWN);
    }
    int k = find(names, n, "subdir");
    CHECK(k >= 0);
    CHECK(types[k] == DT_DIR || types[k] == DT_UNKNOWN);
    k = find(names, n, "link");
    CHECK(k >= 0);
    CHECK(types[k] == DT_LNK || types[k] == DT_UNKNOWN);

    snprintf(path, sizeof path, "%s/file07", dir);
    CHECK_OK(unlink(path));
    n = list(dir, names, types, 64);
    CHECK_EQ(n, 23);
    CHECK(find(names, n, "file07") < 0);

    /* A buffer too small for one entry is EINVAL; a file is ENOTDIR. */
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    char tiny[8];
    CHECK_ERR(syscall(SYS_getdents64, fd, tiny, sizeof tiny), EINVAL);
    close(fd);
    snprintf(path, sizeof path, "%s/file00", dir);
    fd = open(path, O_RDONLY);
    char buf[512];
    CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
    close(fd);

    /* Clean up. */
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "%s/file%02d", dir, i);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/link", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/subdir", dir);
    rmdir(path);
    CHECK_OK(rmdir(dir));
    PASS();
}
