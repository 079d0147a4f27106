/* A stream socketpair carries 256 MiB from one thread to another in
 * writes of varying sizes; the reader's checksum matches the writer's and
 * the byte count is exact. */
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "t.h"

#define TOTAL (256L << 20)

static int sv[2];

static uint64_t mix(uint64_t h, unsigned char b)
{
    return (h ^ b) * 0x100000001b3ULL;
}

static void *writer(void *arg)
{
    (void)arg;
    static unsigned char buf[100000];
    uint64_t h = 0xcbf29ce484222325ULL;
    long sent = 0, round = 0;
    while (sent < TOTAL) {
        long n = 1000 + (round++ * 7919) % 99000;
        if (n > TOTAL - sent)
            n = TOTAL - sent;
        for (long i = 0; i < n; i++) {
            buf[i] = (unsigned char)((sent + i) * 31 + (sent + i) / 4099);
            h = mix(h, buf[i]);
        }
        long off = 0;
        while (off < n) {
            long w = write(sv[0], buf + off, n - off);
            if (w <= 0)
                return NULL;
            off += w;
        }
        sent += n;
    }
    close(sv[0]);
    uint64_t *out = malloc(sizeof *out);
    *out = h;
    return out;
}

int main(void)
{
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, writer, NULL));
    static unsigned char buf[65536];
    uint64_t h = 0xcbf29ce484222325ULL;
    long got = 0, n;
    while ((n = read(sv[1], buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            h = mix(h, buf[i]);
        got += n;
    }
    CHECK_EQ(n, 0);
    void *wh;
    CHECK_PT(pthread_join(t, &wh));
    CHECK(wh != NULL);
    CHECK_EQ(got, TOTAL);
    CHECK(*(uint64_t *)wh == h);
    PASS();
}
