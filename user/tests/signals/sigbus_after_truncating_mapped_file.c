/* Shrinking a file takes the pages past the new end out of every shared
 * mapping: touching one raises SIGBUS even though it was mapped before.
 * Growing the file again brings back zeros, not the old bytes. */
#include "st.h"
#include <fcntl.h>
#include <sys/mman.h>

static sigjmp_buf env;
static volatile siginfo_t got;

static void h(int sig, siginfo_t *si, void *uc)
{
    got = *si;
    siglongjmp(env, 1);
}

int main(void)
{
    char name[] = "/tmp/truncXXXXXX";
    int fd = mkstemp(name);
    CHECK_OK(fd);
    unlink(name);
    CHECK_OK(ftruncate(fd, 3 * 4096));
    char *p = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    for (int i = 0; i < 3; i++)
        p[i * 4096] = (char)('a' + i);
    CHECK_OK(ftruncate(fd, 4096 + 10));
    CHECK_EQ(p[4096], 'b'); /* the partial last page stays */
    on_siginfo(SIGBUS, h, 0);
    if (sigsetjmp(env, 1) == 0) {
        (void)*(volatile char *)(p + 2 * 4096 + 1);
        FAIL("no SIGBUS after truncate");
    }
    CHECK_EQ(got.si_signo, SIGBUS);
    CHECK_EQ(got.si_code, BUS_ADRERR);
    CHECK_EQ((unsigned long)got.si_addr, (unsigned long)(p + 2 * 4096 + 1));
    CHECK_OK(ftruncate(fd, 3 * 4096));
    CHECK_EQ(p[2 * 4096], 0);
    CHECK_EQ(p[4096 + 10], 0); /* zeroed when the file shrank */
    PASS();
}
