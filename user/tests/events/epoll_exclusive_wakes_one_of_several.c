/* EPOLLEXCLUSIVE: four threads, each blocked in epoll_wait on its own epoll
 * instance, all watching one eventfd with EPOLLEXCLUSIVE. One write wakes
 * at least one of them, and not all four (Linux wakes one exclusive
 * waiter per event). Without the flag all four wake. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "t.h"

#define N 4

static int efd;
static atomic_int woke;

static void *waiter(void *arg)
{
    int ep = (int)(long)arg;
    struct epoll_event out[1];
    if (epoll_wait(ep, out, 1, 1500) == 1)
        atomic_fetch_add(&woke, 1);
    return NULL;
}

static int round_of(uint32_t flags)
{
    pthread_t t[N];
    int eps[N];
    efd = eventfd(0, EFD_NONBLOCK);
    CHECK_OK(efd);
    atomic_store(&woke, 0);
    for (long i = 0; i < N; i++) {
        eps[i] = epoll_create1(0);
        struct epoll_event ev = {.events = EPOLLIN | flags};
        CHECK_OK(epoll_ctl(eps[i], EPOLL_CTL_ADD, efd, &ev));
        CHECK_PT(pthread_create(&t[i], NULL, waiter, (void *)(long)eps[i]));
    }
    usleep(200000); /* all four block */
    uint64_t one = 1;
    CHECK_EQ(write(efd, &one, 8), 8);
    for (int i = 0; i < N; i++)
        CHECK_PT(pthread_join(t[i], NULL));
    for (int i = 0; i < N; i++)
        close(eps[i]);
    close(efd);
    return atomic_load(&woke);
}

int main(void)
{
    int exclusive = round_of(EPOLLEXCLUSIVE);
    CHECK(exclusive >= 1 && exclusive < N);
    int plain = round_of(0);
    CHECK_EQ(plain, N);
    PASS();
}
