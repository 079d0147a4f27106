/* An 8 MiB malloc'd region is copied on write across fork: the child
 * rewrites every page, the parent still sees its own pattern everywhere, and
 * the child sees its own. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (8u << 20)
#define PAGE 4096u

int main(void)
{
    unsigned char *buf = malloc(SIZE);
    CHECK(buf);
    for (size_t off = 0; off < SIZE; off += PAGE)
        memset(buf + off, (unsigned char)(off / PAGE), PAGE);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (size_t off = 0; off < SIZE; off += PAGE)
            buf[off + 7] = 0xAA, buf[off + PAGE - 1] = 0x55;
        for (size_t off = 0; off < SIZE; off += PAGE) {
            unsigned char want = (unsigned char)(off / PAGE);
            if (buf[off] != want || buf[off + 7] != 0xAA || buf[off + PAGE - 1] != 0x55)
                _exit(1);
        }
        _exit(0);
    }
    /* The parent writes half the pages concurrently with the child. */
    for (size_t off = 0; off < SIZE; off += 2 * PAGE)
        buf[off + 100] = 0x11;
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    for (size_t off = 0; off < SIZE; off += PAGE) {
        unsigned char want = (unsigned char)(off / PAGE);
        CHECK_EQ(buf[off + 7], want);
        CHECK_EQ(buf[off + PAGE - 1], want);
        CHECK_EQ(buf[off + 100], (off / PAGE) % 2 == 0 ? 0x11 : want);
    }
    free(buf);
    PASS();
}
