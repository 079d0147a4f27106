/* Bytes written into a pipe come out in the order written, whatever the
 * sizes of the writes and reads. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

#define N 3000

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        unsigned char buf[97];
        int v = 0;
        while (v < N) {
            int k = 1 + v % 97; /* varying write sizes */
            int i;
            for (i = 0; i < k && v < N; i++, v++)
                buf[i] = (unsigned char)(v * 7);
            if (write(p[1], buf, i) != i)
                _exit(1);
        }
        _exit(0);
    }
    close(p[1]);
    unsigned char buf[61];
    int v = 0;
    for (;;) {
        ssize_t n = read(p[0], buf, 1 + v % 61);
        CHECK(n >= 0);
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++, v++)
            if (buf[i] != (unsigned char)(v * 7))
                FAIL("byte %d is %d, expected %d", v, buf[i], (unsigned char)(v * 7));
    }
    CHECK_EQ(v, N);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
