/* POSIX message queues: mq_receive returns the highest-priority message
 * first and, within one priority, the oldest first; the priority comes back
 * through msg_prio. A priority of MQ_PRIO_MAX (32768) or more is EINVAL.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/weft-mq-prio-%d", getpid());
    struct mq_attr attr = { .mq_maxmsg = 8, .mq_msgsize = 16 };
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_unlink(name));

    static const struct { const char *text; unsigned prio; } sent[] = {
        { "low1", 1 }, { "high1", 7 }, { "low2", 1 }, { "zero", 0 },
        { "high2", 7 }, { "max", 32767 }, { "low3", 1 },
    };
    for (unsigned i = 0; i < sizeof sent / sizeof sent[0]; i++)
        CHECK_OK(mq_send(q, sent[i].text, strlen(sent[i].text), sent[i].prio));
    CHECK_ERR(mq_send(q, "bad", 3, 32768), EINVAL);

    static const struct { const char *text; unsigned prio; } expected[] = {
        { "max", 32767 }, { "high1", 7 }, { "high2", 7 }, { "low1", 1 },
        { "low2", 1 }, { "low3", 1 }, { "zero", 0 },
    };
    for (unsigned i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        char buf[16];
        unsigned prio = 99999;
        ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
        CHECK_EQ(n, (ssize_t)strlen(expected[i].text));
        if (memcmp(buf, expected[i].text, n) != 0)
            FAIL("message %u is %.*s, expected %s", i, (int)n, buf, expected[i].text);
        CHECK_EQ(prio, expected[i].prio);
    }
    struct mq_attr now;
    CHECK_OK(mq_getattr(q, &now));
    CHECK_EQ(now.mq_curmsgs, 0);
    CHECK_OK(mq_close(q));
    PASS();
}
