/* /proc/sys/fs/mqueue: msg_max 10, msgsize_max 8192, msg_default 10,
 * msgsize_default 8192, queues_max 256 by default. A queue made without
 * attr gets min(msg_default, msg_max) x min(msgsize_default,
 * msgsize_max); values outside the sysctl's range are EINVAL
 * (msg_max 1..65536, msgsize_max 128..16 MiB). An unprivileged creator is
 * held to msg_max; root passes it. Changes global limits (restored), so
 * weftonly. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const DIR_ = "/proc/sys/fs/mqueue/";

static long get(const char *knob)
{
    char path[128], buf[32];
    snprintf(path, sizeof path, "%s%s", DIR_, knob);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECK(n > 0);
    buf[n] = 0;
    close(fd);
    return atol(buf);
}

/* Returns 0 or the errno of the write. */
static int set(const char *knob, long value)
{
    char path[128], buf[32];
    snprintf(path, sizeof path, "%s%s", DIR_, knob);
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0);
    int len = snprintf(buf, sizeof buf, "%ld\n", value);
    int err = write(fd, buf, len) == len ? 0 : errno;
    close(fd);
    return err;
}

int main(void)
{
    CHECK_EQ(get("msg_max"), 10);
    CHECK_EQ(get("msgsize_max"), 8192);
    CHECK_EQ(get("msg_default"), 10);
    CHECK_EQ(get("msgsize_default"), 8192);
    CHECK_EQ(get("queues_max"), 256);

    CHECK_EQ(set("msg_max", 0), EINVAL);
    CHECK_EQ(set("msg_max", 65537), EINVAL);
    CHECK_EQ(set("msgsize_max", 127), EINVAL);
    CHECK_EQ(set("msgsize_default", 16 * 1024 * 1024 + 1), EINVAL);
    CHECK_EQ(get("msg_max"), 10);

    char name[64];
    snprintf(name, sizeof name, "/weft-mq-sysctl-%d", getpid());
    CHECK_EQ(set("msg_default", 3), 0);
    CHECK_EQ(set("msgsize_default", 200), 0);
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    CHECK(q != (mqd_t)-1);
    struct mq_attr got;
    CHECK_OK(mq_getattr(q, &got));
    CHECK_EQ(got.mq_maxmsg, 3);
    CHECK_EQ(got.mq_msgsize, 200);
    CHECK_OK(mq_close(q));
    CHECK_OK(mq_unlink(name));

    /* The maxima cap the defaults. */
    CHECK_EQ(set("msg_max", 2), 0);
    q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_getattr(q, &got));
    CHECK_EQ(got.mq_maxmsg, 2);
    CHECK_OK(mq_close(q));
    CHECK_OK(mq_unlink(name));

    /* An unprivileged user is held to msg_max (2); root is not. */
    struct mq_attr three = { .mq_maxmsg = 3, .mq_msgsize = 16 };
    pid_t child = fork();
    if (child == 0) {
        if (setuid(65534) != 0)
            _exit(2);
        if (mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &three) != (mqd_t)-1 || errno != EINVAL)
            _exit(3);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK_EQ(WEXITSTATUS(status), 0);
    q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &three);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_close(q));
    CHECK_OK(mq_unlink(name));

    CHECK_EQ(set("msg_max", 10), 0);
    CHECK_EQ(set("msg_default", 10), 0);
    CHECK_EQ(set("msgsize_default", 8192), 0);
    PASS();
}
