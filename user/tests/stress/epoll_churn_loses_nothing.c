/* epoll under churn (issue 12): 8 threads each epoll_wait on a private pipe
 * and 4 pipes shared by all, and read whatever is ready; 4 writers write
 * chunks of random sizes into random pipes; a churner meanwhile deletes and
 * re-adds registrations and adds short-lived pipes that it writes to and
 * closes while they are registered. After 30 s the writers stop: every byte
 * written must be read, and nothing may hang.
 *
 * STORM_SECONDS overrides the 30 s (for quick runs by hand). */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "../lib/t.h"

#define WAITERS 8
#define SHARED 4
#define WRITERS 4

static int shared[SHARED][2], private_pipe[WAITERS][2], ep[WAITERS];
static atomic_long written, readback, churned;
static atomic_int writing = 1, done;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void *waiter(void *arg)
{
    int me = (int)(long)arg;
    static __thread char buf[4096];
    while (!atomic_load(&done)) {
        struct epoll_event ev[8];
        int n = epoll_wait(ep[me], ev, 8, 100);
        for (int i = 0; i < n; i++) {
            int fd = ev[i].data.fd;
            long r;
            while ((r = read(fd, buf, sizeof buf)) > 0)
                atomic_fetch_add(&readback, r);
        }
    }
    return NULL;
}

static void *writer(void *arg)
{
    unsigned seed = (unsigned)(long)arg * 2654435761u;
    static __thread char buf[2048];
    memset(buf, 'w', sizeof buf);
    while (atomic_load(&writing)) {
        int k = rand_r(&seed) % (SHARED + WAITERS);
        int fd = k < SHARED ? shared[k][1] : private_pipe[k - SHARED][1];
        long w = write(fd, buf, 1 + rand_r(&seed) % sizeof buf);
        if (w > 0)
            atomic_fetch_add(&written, w);
        else
            usleep(100); /* full: let the readers catch up */
    }
    return NULL;
}

static void *churner(void *arg)
{
    unsigned seed = 12345;
    (void)arg;
    while (atomic_load(&writing)) {
        int w = rand_r(&seed) % WAITERS;
        int fd = private_pipe[w][0];
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(ep[w], EPOLL_CTL_DEL, fd, NULL);
        if (epoll_ctl(ep[w], EPOLL_CTL_ADD, fd, &ev) != 0)
            return NULL;
        /* A pipe registered, written to and closed while registered. */
        int t[2];
        if (pipe2(t, O_NONBLOCK) != 0)
            return NULL;
        ev.data.fd = t[0];
        epoll_ctl(ep[w], EPOLL_CTL_ADD, t[0], &ev);
        /* The byte counts as written only if a waiter may still read it
         * before the close: count it when it is, and undo otherwise. */
        if (write(t[1], "t", 1) == 1)
            atomic_fetch_add(&written, 1);
        close(t[1]);
        char c;
        if (read(t[0], &c, 1) == 1)
            atomic_fetch_sub(&written, 1); /* nobody read it: take it back */
        close(t[0]);
        atomic_fetch_add(&churned, 1);
        usleep(1000);
    }
    return NULL;
}

int main(void)
{
    const char *env = getenv("STORM_SECONDS");
    int seconds = env && atoi(env) > 0 ? atoi(env) : 30;
    for (int s = 0; s < SHARED; s++)
        CHECK_OK(pipe2(shared[s], O_NONBLOCK));
    for (int w = 0; w < WAITERS; w++) {
        CHECK_OK(pipe2(private_pipe[w], O_NONBLOCK));
        ep[w] = epoll_create1(0);
        CHECK_OK(ep[w]);
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = private_pipe[w][0]};
        CHECK_OK(epoll_ctl(ep[w], EPOLL_CTL_ADD, private_pipe[w][0], &ev));
        for (int s = 0; s < SHARED; s++) {
            ev.data.fd = shared[s][0];
            CHECK_OK(epoll_ctl(ep[w], EPOLL_CTL_ADD, shared[s][0], &ev));
        }
    }
    pthread_t wt[WAITERS], wr[WRITERS], ch;
    for (long i = 0; i < WAITERS; i++)
        CHECK_PT(pthread_create(&wt[i], NULL, waiter, (void *)i));
    for (long i = 0; i < WRITERS; i++)
        CHECK_PT(pthread_create(&wr[i], NULL, writer, (void *)(i + 1)));
    CHECK_PT(pthread_create(&ch, NULL, churner, NULL));
    sleep(seconds);
    atomic_store(&writing, 0);
    for (int i = 0; i < WRITERS; i++)
        CHECK_PT(pthread_join(wr[i], NULL));
    CHECK_PT(pthread_join(ch, NULL));
    long long deadline = now_ms() + 20000;
    while (atomic_load(&readback) < atomic_load(&written) && now_ms() < deadline)
        usleep(10000);
    atomic_store(&done, 1);
    for (int i = 0; i < WAITERS; i++)
        CHECK_PT(pthread_join(wt[i], NULL));
    printf("epoll churn: %ld bytes written, %ld read, %ld registrations churned\n", atomic_load(&written),
           atomic_load(&readback), atomic_load(&churned));
    CHECK(atomic_load(&churned) > 0);
    CHECK_EQ(atomic_load(&readback), atomic_load(&written));
    PASS();
}
