/* Touching a page of a shared file mapping that lies wholly past the end
 * of the file raises SIGBUS with si_code BUS_ADRERR and si_addr the
 * address. The file is a memfd, or an unlinked file in /tmp if memfd_create
 * is missing. */
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

static int temp_file(void)
{
    int fd = memfd_create("sigbus", 0);
    if (fd >= 0)
        return fd;
    char name[] = "/tmp/sigbusXXXXXX";
    fd = mkstemp(name);
    CHECK_OK(fd);
    unlink(name);
    return fd;
}

int main(void)
{
    int fd = temp_file();
    CHECK_OK(ftruncate(fd, 100));
    char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    p[10] = 'a'; /* inside the file: fine, and so is the rest of page 0 */
    (void)*(volatile char *)(p + 4000);
    on_siginfo(SIGBUS, h, 0);
    if (sigsetjmp(env, 1) == 0) {
        (void)*(volatile char *)(p + 4096 + 8);
        FAIL("no SIGBUS");
    }
    CHECK_EQ(got.si_signo, SIGBUS);
    CHECK_EQ(got.si_code, BUS_ADRERR);
    CHECK_EQ((unsigned long)got.si_addr, (unsigned long)(p + 4096 + 8));
    PASS();
}
