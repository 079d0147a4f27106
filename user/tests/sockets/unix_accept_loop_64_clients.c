/* A server thread accepts 64 clients through epoll (listening socket
 * readable) and echoes one message per client; 64 client threads connect,
 * send their number and read it back. */
#include <pthread.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "t.h"

#define CLIENTS 64

static struct sockaddr_un addr;

static void *client(void *arg)
{
    long n = (long)arg;
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof addr) != 0)
        return NULL;
    long back = -1;
    if (write(s, &n, sizeof n) != sizeof n || read(s, &back, sizeof back) != sizeof back)
        return NULL;
    close(s);
    return (void *)(back == n ? 1L : 0L);
}

int main(void)
{
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof addr.sun_path, "/tmp/weft-accept-%d", getpid());
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_OK(l);
    CHECK_OK(bind(l, (struct sockaddr *)&addr, sizeof addr));
    CHECK_OK(listen(l, 16));
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = l};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev));
    pthread_t t[CLIENTS];
    for (long i = 0; i < CLIENTS; i++)
        CHECK_PT(pthread_create(&t[i], NULL, client, (void *)i));
    int served = 0;
    while (served < CLIENTS) {
        struct epoll_event out[8];
        int n = epoll_wait(ep, out, 8, 10000);
        CHECK(n > 0);
        for (;;) {
            int c = accept(l, NULL, NULL);
            if (c < 0) {
                CHECK_EQ(errno, EAGAIN);
                break;
            }
            long v;
            CHECK_EQ(read(c, &v, sizeof v), (long)sizeof v);
            CHECK_EQ(write(c, &v, sizeof v), (long)sizeof v);
            close(c);
            served++;
        }
    }
    for (int i = 0; i < CLIENTS; i++) {
        void *ok;
        CHECK_PT(pthread_join(t[i], &ok));
        CHECK(ok == (void *)1);
    }
    unlink(addr.sun_path);
    PASS();
}
