/* The AF_UNIX corners the other socket tests leave: SOCK_SEQPACKET keeps
 * message boundaries and truncates a short read (MSG_TRUNC reports the
 * real length); sendmmsg/recvmmsg move several datagrams in one call;
 * MSG_WAITALL keeps a stream read going across two writes; SO_RCVTIMEO
 * turns a blocking read into EAGAIN after the timeout and SO_SNDTIMEO a
 * blocking write into a short count or EAGAIN; SO_SNDBUF/SO_RCVBUF read
 * back positive, SO_ERROR reads 0, SO_TYPE the type; bad levels, names
 * and lengths are EINVAL/ENOPROTOOPT/EFAULT. */
#include "t.h"

#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void *write_later(void *arg)
{
    int fd = (int)(long)arg;
    usleep(100000);
    write(fd, "abc", 3);
    usleep(100000);
    write(fd, "defg", 4);
    return NULL;
}

static void seqpacket(void)
{
    int sv[2];
    char buf[16];
    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    CHECK_EQ(send(sv[0], "hello", 5, 0), 5);
    CHECK_EQ(send(sv[0], "xy", 2, 0), 2);
    /* A short read takes part of one record, drops the rest. */
    CHECK_EQ(recv(sv[1], buf, 3, MSG_TRUNC), 5);
    CHECK(memcmp(buf, "hel", 3) == 0);
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 2);
    CHECK(memcmp(buf, "xy", 2) == 0);
    int type;
    socklen_t len = sizeof type;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len));
    CHECK_EQ(type, SOCK_SEQPACKET);
    close(sv[0]);
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 0); /* end of stream */
    close(sv[1]);
}

static void mmsg(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    char *words[3] = {"one", "three", "sixteen"};
    struct iovec iov[3];
    struct mmsghdr out[3];
    memset(out, 0, sizeof out);
    for (int i = 0; i < 3; i++) {
        iov[i] = (struct iovec){words[i], strlen(words[i])};
        out[i].msg_hdr.msg_iov = &iov[i];
        out[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK_EQ(sendmmsg(sv[0], out, 3, 0), 3);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(out[i].msg_len, strlen(words[i]));

    char bufs[4][16];
    struct iovec riov[4];
    struct mmsghdr in[4];
    memset(in, 0, sizeof in);
    for (int i = 0; i < 4; i++) {
        riov[i] = (struct iovec){bufs[i], sizeof bufs[i]};
        in[i].msg_hdr.msg_iov = &riov[i];
        in[i].msg_hdr.msg_iovlen = 1;
    }
    /* Three are queued; MSG_DONTWAIT returns them instead of waiting
     * for a fourth. */
    CHECK_EQ(recvmmsg(sv[1], in, 4, MSG_DONTWAIT, NULL), 3);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(in[i].msg_len, strlen(words[i]));
        CHECK(memcmp(bufs[i], words[i], strlen(words[i])) == 0);
    }
    CHECK_ERR(recvmmsg(sv[1], in, 4, MSG_DONTWAIT, NULL), EAGAIN);
    /* The raw call: musl's wrapper would copy the vector itself first. */
    CHECK_ERR(syscall(SYS_sendmmsg, sv[0], 8L, 1, 0), EFAULT);
    close(sv[0]);
    close(sv[1]);
}

static void waitall(void)
{
    int sv[2];
    char buf[16];
    pthread_t t;
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_PT(pthread_create(&t, NULL, write_later, (void *)(long)sv[0]));
    CHECK_EQ(recv(sv[1], buf, 7, MSG_WAITALL), 7);
    CHECK(memcmp(buf, "abcdefg", 7) == 0);
    CHECK_PT(pthread_join(t, NULL));
    close(sv[0]);
    close(sv[1]);
}

static void timeouts_and_options(void)
{
    int sv[2];
    char buf[16];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    struct timeval back;
    socklen_t len = sizeof back;
    CHECK_OK(getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &back, &len));
    CHECK_EQ(len, sizeof back);
    CHECK_EQ(back.tv_sec, 0);
    CHECK_EQ(back.tv_usec, 200000);
    long t0 = now_ms();
    CHECK_ERR(recv(sv[1], buf, sizeof buf, 0), EAGAIN);
    CHECK(now_ms() - t0 >= 150);

    /* Fill the sender's way until a write blocks: with SO_SNDTIMEO it
     * returns what it wrote, or EAGAIN when it wrote nothing. */
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
    static char chunk[65536];
    long total = 0, n;
    t0 = now_ms();
    while ((n = write(sv[0], chunk, sizeof chunk)) > 0 && total < (64L << 20))
        total += n;
    CHECK(total > 0 && total < (64L << 20));
    CHECK(n == -1 ? errno == EAGAIN : n > 0);
    CHECK(now_ms() - t0 >= 150);

    int v;
    len = sizeof v;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len));
    CHECK(v > 0);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &len));
    CHECK(v > 0);
    v = 4096;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len));
    CHECK_EQ(v, 0);
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 3), EINVAL);
    CHECK_ERR(getsockopt(sv[0], SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
    CHECK_ERR(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, (void *)8, &len), EFAULT);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    seqpacket();
    mmsg();
    waitall();
    timeouts_and_options();
    PASS();
}
