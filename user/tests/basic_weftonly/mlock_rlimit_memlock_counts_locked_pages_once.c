/* WEFT-ONLY: changes credentials (in a child).
 *
 * Without CAP_IPC_LOCK, RLIMIT_MEMLOCK bounds the pages a process has
 * locked (Linux mm->locked_vm): locking what is already locked does not
 * count again, a lock past the limit is ENOMEM, munlock gives pages back,
 * a MAP_LOCKED mapping past it is EAGAIN, and with a limit of 0 mlock is
 * EPERM. A fork child inherits no locks.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int child(void)
{
    struct rlimit r = {8 * 4096, 8 * 4096};
    if (setrlimit(RLIMIT_MEMLOCK, &r) || setuid(65534))
        return 2;
    char *p = mmap(0, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 3;
    if (mlock(p, 6 * 4096) || mlock(p, 6 * 4096))
        return 4;
    /* 2 of these 4 are locked already: 8 in all. */
    if (mlock(p + 4 * 4096, 4 * 4096))
        return 5;
    if (mlock(p + 8 * 4096, 4096) != -1 || errno != ENOMEM)
        return 6;
    if (mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0) != MAP_FAILED || errno != EAGAIN)
        return 7;
    pid_t pid = fork();
    if (pid == 0) {
        /* No locks inherited: the child may lock 8 new pages. */
        char *q = mmap(0, 8 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        _exit(q != MAP_FAILED && mlock(q, 8 * 4096) == 0 ? 0 : 1);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 8;
    if (munlock(p, 4 * 4096) || mlock(p + 8 * 4096, 4 * 4096))
        return 9;
    r.rlim_cur = r.rlim_max = 0;
    if (setrlimit(RLIMIT_MEMLOCK, &r))
        return 10;
    if (mlock(p + 12 * 4096, 4096) != -1 || errno != EPERM)
        return 11;
    return 0;
}

int main(void)
{
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(child());
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
