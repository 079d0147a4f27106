/* read(2) on a message queue descriptor returns Linux's status line,
 * "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", where QSIZE is
 * the bytes of message data queued; reads honour the file position and
 * lseek. write(2) is EINVAL (mqueue files have no write). mq_getattr
 * reports the sizes and the count. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/weft-mq-read-%d", getpid());
    struct mq_attr attr = { .mq_maxmsg = 5, .mq_msgsize = 32 };
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_unlink(name));
    CHECK_OK(mq_send(q, "hello", 5, 1));
    CHECK_OK(mq_send(q, "world!!", 7, 2));

    const char *want = "QSIZE:12         NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n";
    char line[128];
    ssize_t n = read(q, line, sizeof line);
    CHECK_EQ(n, (ssize_t)strlen(want));
    line[n] = 0;
    if (strcmp(line, want) != 0)
        FAIL("read '%s', expected '%s'", line, want);
    CHECK_EQ(read(q, line, sizeof line), 0);
    CHECK_EQ(lseek(q, 6, SEEK_SET), 6);
    CHECK_EQ(read(q, line, 2), 2);
    CHECK(memcmp(line, "12", 2) == 0);
    CHECK_ERR(write(q, "x", 1), EINVAL);

    struct mq_attr got;
    CHECK_OK(mq_getattr(q, &got));
    CHECK_EQ(got.mq_maxmsg, 5);
    CHECK_EQ(got.mq_msgsize, 32);
    CHECK_EQ(got.mq_curmsgs, 2);
    CHECK_EQ(got.mq_flags, 0);
    char buf[32];
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 7);
    CHECK_EQ(lseek(q, 0, SEEK_SET), 0);
    n = read(q, line, sizeof line);
    CHECK(n > 0);
    CHECK(strncmp(line, "QSIZE:5 ", 8) == 0);
    CHECK_OK(mq_close(q));
    PASS();
}
