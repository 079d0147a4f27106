/* pipe2(O_DIRECT) makes a packet pipe (Linux is_packetized): each write
 * is one packet, a read returns at most one packet, and a read too short
 * for a packet discards the rest of it. O_DIRECT shows on the write end
 * only (create_pipe_files). Each packet takes a buffer, so 16 one-byte
 * packets fill a default pipe.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe2(p, O_DIRECT | O_NONBLOCK));
    CHECK((fcntl(p[1], F_GETFL) & O_DIRECT) != 0);
    CHECK((fcntl(p[0], F_GETFL) & O_DIRECT) == 0);
    CHECK_EQ(write(p[1], "hello", 5), 5);
    CHECK_EQ(write(p[1], "world", 5), 5);
    char buf[64];
    CHECK_EQ(read(p[0], buf, 3), 3);
    CHECK(memcmp(buf, "hel", 3) == 0);
    CHECK_EQ(read(p[0], buf, sizeof buf), 5);
    CHECK(memcmp(buf, "world", 5) == 0);
    CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);

    for (int i = 0; i < 16; i++)
        CHECK_EQ(write(p[1], "a", 1), 1);
    CHECK_ERR(write(p[1], "a", 1), EAGAIN);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(read(p[0], buf, sizeof buf), 1);
    PASS();
}
