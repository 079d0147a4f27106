/* `mount -t mqueue` shows the queues mq_open makes (one instance per IPC
 * namespace): a queue is a regular file of st_size 80 whose read gives the
 * status line, unlink(2) is mq_unlink, and open(O_CREAT) in it makes a
 * queue with the default sizes; mkdir, link and rename are EPERM. statfs
 * says MQUEUE_MAGIC. Mounts, so
 * weftonly. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

int main(void)
{
    char dir[64], base[64], name[80], path[160];
    snprintf(dir, sizeof dir, "/tmp/weft-mqfs-%d", getpid());
    snprintf(base, sizeof base, "weft-mq-fs-%d", getpid());
    snprintf(name, sizeof name, "/%s", base);
    CHECK_OK(mkdir(dir, 0755));
    CHECK_OK(mount("none", dir, "mqueue", 0, NULL));
    struct statfs sfs;
    CHECK_OK(statfs(dir, &sfs));
    CHECK_EQ(sfs.f_type, 0x19800202);
    struct stat st;
    CHECK_OK(stat(dir, &st));
    CHECK_EQ(st.st_mode & 07777, 01777);

    struct mq_attr attr = { .mq_maxmsg = 3, .mq_msgsize = 16 };
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0640, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_send(q, "abc", 3, 0));

    int found = 0;
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, base) == 0)
            found++;
    closedir(d);
    CHECK_EQ(found, 1);

    snprintf(path, sizeof path, "%s/%s", dir, base);
    CHECK_OK(stat(path, &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_size, 80);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    char line[128];
    ssize_t n = read(fd, line, sizeof line - 1);
    CHECK(n > 0);
    CHECK(strncmp(line, "QSIZE:3 ", 8) == 0);
    close(fd);

    CHECK_OK(unlink(path));
    CHECK_ERR(mq_open(name, O_RDWR), ENOENT);
    CHECK_ERR(stat(path, &st), ENOENT);
    char buf[16];
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 3);
    CHECK_OK(mq_close(q));

    /* open(O_CREAT) in the file system makes a default-sized queue. */
    fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
    CHECK(fd >= 0);
    close(fd);
    q = mq_open(name, O_RDWR);
    CHECK(q != (mqd_t)-1);
    struct mq_attr got;
    CHECK_OK(mq_getattr(q, &got));
    CHECK_EQ(got.mq_maxmsg, 10);
    CHECK_EQ(got.mq_msgsize, 8192);
    CHECK_OK(mq_close(q));
    CHECK_ERR(mkdir(path, 0700), EEXIST);
    char other[200];
    snprintf(other, sizeof other, "%s/renamed", dir);
    CHECK_ERR(rename(path, other), EPERM);
    CHECK_ERR(link(path, other), EPERM);
    CHECK_ERR(mkdir(other, 0700), EPERM);
    CHECK_OK(mq_unlink(name));

    CHECK_OK(umount(dir));
    CHECK_OK(rmdir(dir));
    PASS();
}
