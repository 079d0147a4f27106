/* A read larger than what the pipe holds returns what is there without
 * waiting for more; fstat reports a FIFO; the read end is not writable and
 * the write end not readable (EBADF). */
#include "t.h"
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(write(p[1], "hello", 5), 5);
    char buf[100];
    CHECK_EQ(read(p[0], buf, sizeof buf), 5);
    CHECK(!memcmp(buf, "hello", 5));
    struct stat st;
    CHECK_OK(fstat(p[0], &st));
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_OK(fstat(p[1], &st));
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_ERR(write(p[0], "x", 1), EBADF);
    CHECK_ERR(read(p[1], buf, 1), EBADF);
    CHECK_EQ(write(p[1], "", 0), 0);
    CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    PASS();
}
