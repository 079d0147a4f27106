/* mq_unlink removes the name at once (mq_open without O_CREAT: ENOENT, a
 * second mq_unlink: ENOENT) but the queue lives on for the descriptors
 * that have it open, messages included, and through dup; a new queue
 * made under the same name is another, empty queue. Checked on Linux 6.1
 * in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/weft-mq-unlink-%d", getpid());
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 16 };
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_send(q, "before", 6, 3));
    CHECK_OK(mq_unlink(name));
    CHECK_ERR(mq_open(name, O_RDWR), ENOENT);
    CHECK_ERR(mq_unlink(name), ENOENT);

    int copy = dup(q);
    CHECK(copy >= 0);
    CHECK_OK(mq_close(q));
    CHECK_OK(mq_send(copy, "after", 5, 1));
    char buf[16];
    unsigned prio;
    CHECK_EQ(mq_receive(copy, buf, sizeof buf, &prio), 6);
    CHECK(memcmp(buf, "before", 6) == 0 && prio == 3);

    mqd_t fresh = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, &attr);
    CHECK(fresh != (mqd_t)-1);
    CHECK_ERR(mq_receive(fresh, buf, sizeof buf, NULL), EAGAIN);
    CHECK_EQ(mq_receive(copy, buf, sizeof buf, &prio), 5);
    CHECK(memcmp(buf, "after", 5) == 0 && prio == 1);
    CHECK_OK(close(copy));
    CHECK_OK(mq_unlink(name));
    CHECK_OK(mq_close(fresh));
    PASS();
}
