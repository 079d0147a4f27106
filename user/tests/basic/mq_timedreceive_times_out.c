/* mq_timedreceive/mq_timedsend take an absolute CLOCK_REALTIME deadline:
 * on an empty queue the receive waits until it and fails with ETIMEDOUT
 * (at once when it has passed); the send on a full queue likewise. A bad
 * timespec (tv_nsec out of range) is EINVAL: Linux 6.1 checks it before
 * anything else, even when a message is waiting (ipc/mqueue.c,
 * prepare_timeout). Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec in_ms(int ms)
{
    long long t = now_ns(CLOCK_REALTIME) + ms * 1000000LL;
    return (struct timespec){ t / 1000000000LL, t % 1000000000LL };
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/weft-mq-timeout-%d", getpid());
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_unlink(name));
    char buf[8];

    struct timespec deadline = in_ms(200);
    long long start = now_ns(CLOCK_MONOTONIC);
    CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &deadline), ETIMEDOUT);
    long long waited = now_ns(CLOCK_MONOTONIC) - start;
    if (waited < 150000000LL)
        FAIL("returned after %lld ns, before the deadline", waited);

    struct timespec past = { 1, 0 };
    CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &past), ETIMEDOUT);

    CHECK_OK(mq_send(q, "a", 1, 0));
    deadline = in_ms(100);
    CHECK_ERR(mq_timedsend(q, "b", 1, 0, &deadline), ETIMEDOUT);
    CHECK_ERR(mq_timedsend(q, "b", 1, 0, &past), ETIMEDOUT);

    struct timespec bad = { 0, 1000000000 };
    CHECK_ERR(syscall(SYS_mq_timedreceive, q, buf, sizeof buf, NULL, &bad), EINVAL);
    struct timespec negative = { -1, 0 };
    CHECK_ERR(syscall(SYS_mq_timedreceive, q, buf, sizeof buf, NULL, &negative), EINVAL);
    /* A message is there: a valid deadline in the past still receives it. */
    CHECK_EQ(mq_timedreceive(q, buf, sizeof buf, NULL, &past), 1);
    CHECK_OK(mq_close(q));
    PASS();
}
