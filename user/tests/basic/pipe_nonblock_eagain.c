/* O_NONBLOCK pipes: reading an empty pipe fails with EAGAIN; writing fills
 * the pipe until a write fails with EAGAIN (after a partial write at most);
 * after the reader drains some, writing works again. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe2(p, O_NONBLOCK));
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    char buf[4096];
    CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);
    memset(buf, 'z', sizeof buf);
    size_t total = 0;
    int i;
    for (i = 0; i < 1024; i++) {
        ssize_t n = write(p[1], buf, sizeof buf);
        if (n < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        total += n;
    }
    CHECK(i < 1024);
    CHECK(total >= 4096); /* Linux: 65536 by default */
    CHECK_ERR(write(p[1], "x", 1), EAGAIN);
    size_t got = 0;
    for (;;) {
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        CHECK(n > 0);
        got += n;
    }
    CHECK_EQ(got, total);
    CHECK_EQ(write(p[1], "x", 1), 1);
    PASS();
}
