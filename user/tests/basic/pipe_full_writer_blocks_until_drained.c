/* A blocking write larger than the pipe's capacity completes once the
 * reader drains the pipe; the reader receives every byte. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (256 * 1024)

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        char *buf = malloc(TOTAL);
        for (int i = 0; i < TOTAL; i++)
            buf[i] = (char)(i % 251);
        ssize_t n = write(p[1], buf, TOTAL); /* one big write */
        _exit(n == TOTAL ? 0 : 1);
    }
    close(p[1]);
    static char buf[8192];
    long got = 0;
    for (;;) {
        ssize_t n = read(p[0], buf, sizeof buf);
        CHECK(n >= 0);
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != (char)((got + i) % 251))
                FAIL("byte %ld wrong", got + i);
        got += n;
    }
    CHECK_EQ(got, TOTAL);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
