/* read on a pipe returns 0 (EOF) only once every write end is closed: two
 * children hold write ends; the reader gets their data, then EOF after both
 * have exited. */
#include "t.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2], go[2];
    CHECK_OK(pipe(p));
    CHECK_OK(pipe(go));
    pid_t a = fork();
    CHECK(a >= 0);
    if (a == 0) {
        close(p[0]);
        close(go[1]);
        write(p[1], "a", 1);
        _exit(0);
    }
    pid_t b = fork();
    CHECK(b >= 0);
    if (b == 0) {
        close(p[0]);
        close(go[1]);
        char c;
        read(go[0], &c, 1); /* keep the write end open until told */
        write(p[1], "b", 1);
        _exit(0);
    }
    close(p[1]);
    close(go[0]);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, 'a');
    CHECK_EQ(waitpid(a, NULL, 0), a);
    /* b still holds a write end: no EOF yet. */
    CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
    CHECK_ERR(read(p[0], &c, 1), EAGAIN);
    CHECK_OK(fcntl(p[0], F_SETFL, 0));
    CHECK_EQ(write(go[1], "g", 1), 1);
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(c, 'b');
    CHECK_EQ(read(p[0], &c, 1), 0);
    CHECK_EQ(read(p[0], &c, 1), 0);
    CHECK_EQ(waitpid(b, NULL, 0), b);
    PASS();
}
