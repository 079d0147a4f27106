/* F_SETPIPE_SZ cannot shrink a pipe below the buffers its data occupies
 * (Linux pipe_resize_ring: EBUSY); the size and the data stay. Shrinking
 * to what is in use, or growing, works.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    static char buf[3 * 4096];
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(write(p[1], buf, sizeof buf), sizeof buf);
    CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 8192), EBUSY);
    CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);
    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 16384), 16384);
    CHECK_EQ(fcntl(p[0], F_GETPIPE_SZ), 16384);
    CHECK_EQ(read(p[0], buf, sizeof buf), sizeof buf);
    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
    PASS();
}
