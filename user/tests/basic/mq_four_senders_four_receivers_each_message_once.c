/* One message queue, 4 sender threads and 4 receiver threads blocking in
 * mq_send/mq_receive on a small queue: every message is received exactly
 * once. The senders' messages have priority 1; once they are done, four
 * priority-0 stop messages end the receivers, which can only get a stop
 * when no data message is left. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define THREADS 4
#define PER_SENDER 400

static mqd_t q;
static atomic_int seen[THREADS * PER_SENDER];
static atomic_int received;

static void *sender(void *arg)
{
    int base = (int)(long)arg * PER_SENDER;
    for (int i = 0; i < PER_SENDER; i++) {
        int id = base + i;
        if (mq_send(q, (const char *)&id, sizeof id, 1) != 0)
            return (void *)1;
    }
    return NULL;
}

static void *receiver(void *arg)
{
    (void)arg;
    for (;;) {
        int id;
        unsigned prio;
        if (mq_receive(q, (char *)&id, sizeof id, &prio) != sizeof id)
            return (void *)1;
        if (prio == 0)
            return NULL;
        if (id < 0 || id >= THREADS * PER_SENDER)
            return (void *)2;
        atomic_fetch_add(&seen[id], 1);
        atomic_fetch_add(&received, 1);
    }
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/weft-mq-threads-%d", getpid());
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = sizeof(int) };
    q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_unlink(name));
    pthread_t s[THREADS], r[THREADS];
    for (long i = 0; i < THREADS; i++) {
        CHECK_PT(pthread_create(&r[i], NULL, receiver, NULL));
        CHECK_PT(pthread_create(&s[i], NULL, sender, (void *)i));
    }
    for (int i = 0; i < THREADS; i++) {
        void *ret;
        CHECK_PT(pthread_join(s[i], &ret));
        CHECK(ret == NULL);
    }
    for (int i = 0; i < THREADS; i++) {
        int stop = -1;
        CHECK_OK(mq_send(q, (const char *)&stop, sizeof stop, 0));
    }
    for (int i = 0; i < THREADS; i++) {
        void *ret;
        CHECK_PT(pthread_join(r[i], &ret));
        CHECK(ret == NULL);
    }
    CHECK_EQ(atomic_load(&received), THREADS * PER_SENDER);
    for (int i = 0; i < THREADS * PER_SENDER; i++)
        if (atomic_load(&seen[i]) != 1)
            FAIL("message %d received %d times", i, atomic_load(&seen[i]));
    CHECK_OK(mq_close(q));
    PASS();
}
