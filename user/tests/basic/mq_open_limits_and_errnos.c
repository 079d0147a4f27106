/* mq_open's errnos, in Linux 6.1's order (ipc/mqueue.c): the name is
 * looked up in the mqueue root with lookup_one_len, so "", "." and ".."
 * and names with '/' are EACCES (the syscall gets the name without the
 * leading '/' that libc strips), longer than NAME_MAX is ENAMETOOLONG;
 * ENOENT without O_CREAT, EEXIST with O_CREAT|O_EXCL, EINVAL for
 * O_WRONLY|O_RDWR on an existing queue; mq_maxmsg/mq_msgsize <= 0 are
 * EINVAL, root may pass msg_max (10) and msgsize_max (8192) up to 65536
 * and 16 MiB (then EINVAL); a queue past RLIMIT_MSGQUEUE is EMFILE, and
 * so is a full descriptor table. Without attr the queue gets 10 x 8192.
 * Runs as root. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long raw_open(const char *name, int flags, struct mq_attr *attr)
{
    return syscall(SYS_mq_open, name, flags, 0600, attr);
}

int main(void)
{
    char name[80], base[64];
    snprintf(base, sizeof base, "weft-mq-limits-%d", getpid());
    snprintf(name, sizeof name, "/%s", base);

    CHECK_ERR(raw_open("", O_CREAT | O_RDWR, NULL), ENOENT); /* getname */
    CHECK_ERR(raw_open(".", O_CREAT | O_RDWR, NULL), EACCES);
    CHECK_ERR(raw_open("..", O_CREAT | O_RDWR, NULL), EACCES);
    CHECK_ERR(raw_open("a/b", O_CREAT | O_RDWR, NULL), EACCES);
    CHECK_ERR(raw_open("/abs", O_CREAT | O_RDWR, NULL), EACCES);
    char longname[300];
    memset(longname, 'q', 256);
    longname[256] = 0;
    CHECK_ERR(raw_open(longname, O_CREAT | O_RDWR, NULL), ENAMETOOLONG);
    CHECK_ERR(raw_open(base, O_RDWR, NULL), ENOENT);
    CHECK_ERR(raw_open(base, O_RDWR, (struct mq_attr *)8), EFAULT);

    struct mq_attr attr = { .mq_maxmsg = 0, .mq_msgsize = 16 };
    CHECK_ERR(mq_open(name, O_CREAT | O_RDWR, 0600, &attr), EINVAL);
    attr.mq_maxmsg = -1;
    CHECK_ERR(mq_open(name, O_CREAT | O_RDWR, 0600, &attr), EINVAL);
    attr.mq_maxmsg = 4;
    attr.mq_msgsize = 0;
    CHECK_ERR(mq_open(name, O_CREAT | O_RDWR, 0600, &attr), EINVAL);
    attr.mq_maxmsg = 65537;
    attr.mq_msgsize = 16;
    CHECK_ERR(mq_open(name, O_CREAT | O_RDWR, 0600, &attr), EINVAL);
    attr.mq_maxmsg = 1;
    attr.mq_msgsize = 16 * 1024 * 1024 + 1;
    CHECK_ERR(mq_open(name, O_CREAT | O_RDWR, 0600, &attr), EINVAL);
    /* Root passes msg_max: 20 messages of 16 bytes. */
    attr.mq_maxmsg = 20;
    attr.mq_msgsize = 16;
    umask(027);
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0666, &attr);
    CHECK(q != (mqd_t)-1);
    struct mq_attr got;
    CHECK_OK(mq_getattr(q, &got));
    CHECK_EQ(got.mq_maxmsg, 20);
    CHECK_EQ(got.mq_msgsize, 16);
    struct stat st;
    CHECK_OK(fstat(q, &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0640);
    CHECK_EQ(st.st_size, 80);
    CHECK_ERR(mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr), EEXIST);
    CHECK_ERR(raw_open(base, O_WRONLY | O_RDWR, NULL), EINVAL);
    /* An existing queue ignores attr. */
    mqd_t again = mq_open(name, O_CREAT | O_RDONLY, 0600, &attr);
    CHECK(again != (mqd_t)-1);
    CHECK_OK(mq_close(again));
    CHECK_OK(mq_unlink(name));

    /* Defaults without attr. */
    q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_getattr(q, &got));
    CHECK_EQ(got.mq_maxmsg, 10);
    CHECK_EQ(got.mq_msgsize, 8192);
    CHECK_OK(mq_close(q));
    CHECK_OK(mq_unlink(name));

    /* RLIMIT_MSGQUEUE: 1000 bytes cannot hold 10 x 100 plus the headers. */
    struct rlimit small = { 1000, 1000 };
    pid_t child = fork();
    if (child == 0) {
        struct mq_attr a = { .mq_maxmsg = 10, .mq_msgsize = 100 };
        if (setrlimit(RLIMIT_MSGQUEUE, &small) != 0)
            _exit(2);
        if (mq_open(name, O_CREAT | O_RDWR, 0600, &a) != (mqd_t)-1 || errno != EMFILE)
            _exit(3);
        /* A full descriptor table is EMFILE before the name is looked at. */
        struct rlimit none = { 0, 0 };
        if (setrlimit(RLIMIT_NOFILE, &none) != 0)
            _exit(4);
        if (mq_open("/weft-mq-missing", O_RDWR) != (mqd_t)-1 || errno != EMFILE)
            _exit(5);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_ERR(mq_unlink(name), ENOENT);
    PASS();
}
