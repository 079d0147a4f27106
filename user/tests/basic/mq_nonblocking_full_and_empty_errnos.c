/* POSIX message queues with O_NONBLOCK: mq_receive on an empty queue and
 * mq_send on a full one fail with EAGAIN; a message longer than mq_msgsize
 * is EMSGSIZE, as is a receive buffer shorter than mq_msgsize; sending on
 * a read-only descriptor and receiving on a write-only one are EBADF, as is
 * a descriptor that is not a queue. mq_setattr changes only O_NONBLOCK
 * (other flags: EINVAL); a blocking descriptor made non-blocking this way
 * gets EAGAIN too. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/weft-mq-nonblock-%d", getpid());
    struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 8 };
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    char buf[8];
    CHECK_ERR(mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
    CHECK_ERR(mq_receive(q, buf, 7, NULL), EMSGSIZE);
    CHECK_ERR(mq_send(q, "123456789", 9, 0), EMSGSIZE);
    CHECK_OK(mq_send(q, "", 0, 0));
    CHECK_OK(mq_send(q, "12345678", 8, 0));
    CHECK_ERR(mq_send(q, "x", 1, 0), EAGAIN);
    struct mq_attr got;
    CHECK_OK(mq_getattr(q, &got));
    CHECK_EQ(got.mq_flags, O_NONBLOCK);
    CHECK_EQ(got.mq_maxmsg, 2);
    CHECK_EQ(got.mq_msgsize, 8);
    CHECK_EQ(got.mq_curmsgs, 2);
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 0);

    /* Access modes. */
    mqd_t ro = mq_open(name, O_RDONLY);
    mqd_t wo = mq_open(name, O_WRONLY | O_NONBLOCK);
    CHECK(ro != (mqd_t)-1 && wo != (mqd_t)-1);
    CHECK_ERR(mq_send(ro, "x", 1, 0), EBADF);
    CHECK_ERR(mq_receive(wo, buf, sizeof buf, NULL), EBADF);
    CHECK_ERR(mq_send(STDIN_FILENO, "x", 1, 0), EBADF);
    CHECK_ERR(mq_send(1000, "x", 1, 0), EBADF);

    /* mq_setattr: only O_NONBLOCK. */
    struct mq_attr set = { .mq_flags = O_NONBLOCK | O_APPEND }, old;
    CHECK_ERR(syscall(SYS_mq_getsetattr, ro, &set, NULL), EINVAL);
    set.mq_flags = O_NONBLOCK;
    set.mq_maxmsg = 100; /* ignored */
    CHECK_OK(mq_setattr(ro, &set, &old));
    CHECK_EQ(old.mq_flags, 0);
    CHECK_EQ(old.mq_curmsgs, 1);
    CHECK_OK(mq_getattr(ro, &got));
    CHECK_EQ(got.mq_flags, O_NONBLOCK);
    CHECK_EQ(got.mq_maxmsg, 2);
    CHECK_EQ(fcntl(ro, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    CHECK_EQ(mq_receive(ro, buf, sizeof buf, NULL), 8);
    CHECK_ERR(mq_receive(ro, buf, sizeof buf, NULL), EAGAIN);
    /* Only the description changed: q is still non-blocking on its own. */
    set.mq_flags = 0;
    CHECK_OK(mq_setattr(q, &set, NULL));
    CHECK_OK(mq_getattr(q, &got));
    CHECK_EQ(got.mq_flags, 0);
    CHECK_OK(mq_getattr(ro, &got));
    CHECK_EQ(got.mq_flags, O_NONBLOCK);
    CHECK_ERR(syscall(SYS_mq_getsetattr, 1000, NULL, &got), EBADF);
    CHECK_OK(mq_unlink(name));
    PASS();
}
