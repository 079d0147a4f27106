/* WEFT-ONLY: changes credentials (in a child), which the rules for running
 * tests on a development host forbid.
 *
 * A root child that calls setgid/setuid(1000) has all three uids at 1000,
 * cannot get root back (EPERM), cannot open a 0600 root file (EACCES) or
 * signal a root process (EPERM), and its new files belong to 1000. */
#include "t.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    if (getuid() != 0)
        FAIL("must run as root (it does on weft)");
    char secret[64], mine[64];
    snprintf(secret, sizeof secret, "/tmp/weft-secret-%d", getpid());
    snprintf(mine, sizeof mine, "/tmp/weft-mine-%d", getpid());
    int fd = open(secret, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    close(fd);
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(1000) || setuid(1000))
            _exit(2);
        uid_t r, e, s;
        getresuid(&r, &e, &s);
        if (r != 1000 || e != 1000 || s != 1000)
            _exit(3);
        if (setuid(0) != -1 || errno != EPERM)
            _exit(4);
        if (open(secret, O_RDONLY) != -1 || errno != EACCES)
            _exit(5);
        if (kill(parent, 0) != -1 || errno != EPERM)
            _exit(6);
        int f = open(mine, O_WRONLY | O_CREAT, 0644);
        if (f < 0)
            _exit(7);
        struct stat st;
        fstat(f, &st);
        _exit(st.st_uid == 1000 && st.st_gid == 1000 ? 0 : 8);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_OK(unlink(secret));
    CHECK_OK(unlink(mine));
    PASS();
}
