/* msgrcv picks by type (Linux ipc/msg.c find_msg, checked on Linux 6.1 in
 * QEMU): 0 the first message, >0 the first of that type (with MSG_EXCEPT
 * the first of another type), <0 the lowest type not above |type|, first
 * of equals; MSG_COPY|IPC_NOWAIT copies the n-th message and leaves it;
 * a longer message is E2BIG unless MSG_NOERROR cuts it; an empty match
 * with IPC_NOWAIT is ENOMSG. msg_qnum, msg_cbytes, msg_lspid, msg_lrpid. */
#include "t.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

struct m { long type; char text[16]; };

static void send(int q, long type, const char *text)
{
    struct m m = {type, ""};
    strcpy(m.text, text);
    CHECK_OK(msgsnd(q, &m, strlen(text) + 1, 0));
}

static void expect(int q, long type, int flags, long want_type, const char *want)
{
    struct m m;
    memset(&m, 0, sizeof m);
    long n = msgrcv(q, &m, sizeof m.text, type, flags);
    if (n < 0)
        FAIL("msgrcv(type %ld): errno %d", type, errno);
    CHECK_EQ(n, (long)strlen(want) + 1);
    CHECK_EQ(m.type, want_type);
    if (strcmp(m.text, want))
        FAIL("got '%s', expected '%s'", m.text, want);
}

int main(void)
{
    int q = msgget(IPC_PRIVATE, 0600);
    CHECK(q >= 0);
    send(q, 3, "three");
    send(q, 2, "two-a");
    send(q, 1, "one-a");
    send(q, 2, "two-b");
    send(q, 1, "one-b");
    send(q, 5, "a long message");
    struct msqid_ds ds;
    CHECK_OK(msgctl(q, IPC_STAT, &ds));
    CHECK_EQ(ds.msg_qnum, 6);
    CHECK_EQ(ds.msg_cbytes, 5 * 6 + 15);
    CHECK_EQ(ds.msg_lspid, getpid());
    CHECK_EQ(ds.msg_lrpid, 0);
    CHECK_EQ(ds.msg_qbytes, 16384);

    expect(q, 2, MSG_COPY | IPC_NOWAIT, 1, "one-a");
    struct m m;
    CHECK_ERR(msgrcv(q, &m, sizeof m.text, 9, MSG_COPY | IPC_NOWAIT), ENOMSG);
    CHECK_ERR(msgrcv(q, &m, sizeof m.text, 0, MSG_COPY), EINVAL);
    CHECK_ERR(msgrcv(q, &m, 4, 5, 0), E2BIG);
    CHECK_EQ(msgrcv(q, &m, 4, 5, MSG_NOERROR), 4);
    CHECK(memcmp(m.text, "a lo", 4) == 0);
    expect(q, -2, 0, 1, "one-a");
    expect(q, 2, 0, 2, "two-a");
    expect(q, 3, MSG_EXCEPT, 2, "two-b");
    expect(q, 0, 0, 3, "three");
    CHECK_ERR(msgrcv(q, &m, sizeof m.text, 2, IPC_NOWAIT), ENOMSG);
    expect(q, -100, 0, 1, "one-b");
    CHECK_OK(msgctl(q, IPC_STAT, &ds));
    CHECK_EQ(ds.msg_qnum, 0);
    CHECK_EQ(ds.msg_cbytes, 0);
    CHECK_EQ(ds.msg_lrpid, getpid());
    struct m bad = {0, "x"};
    CHECK_ERR(msgsnd(q, &bad, 2, 0), EINVAL);
    CHECK_ERR(msgsnd(q, &bad, 8193, 0), EINVAL);
    CHECK_OK(msgctl(q, IPC_RMID, 0));
    PASS();
}
