/* waitpid(-pgid) and waitpid(0) wait only for children in that process
 * group; waitid(P_PGID) likewise; a group with no children of ours is
 * ECHILD. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

/* A child that exits with `code` once every write end of the pipe is
 * closed (it closes its own copy of `wfd` first). */
static pid_t child(int code, int own_group, int fd, int wfd)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(wfd);
        if (own_group)
            setpgid(0, 0);
        char c;
        read(fd, &c, 1); /* wait for EOF */
        _exit(code);
    }
    if (own_group)
        setpgid(pid, pid);
    return pid;
}

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t same = child(1, 0, p[0], p[1]);  /* our group */
    pid_t other = child(2, 1, p[0], p[1]); /* its own group */
    close(p[1]);
    close(p[0]);
    int st;
    CHECK_EQ(waitpid(-other, &st, 0), other);
    CHECK_EQ(WEXITSTATUS(st), 2);
    CHECK_ERR(waitpid(-other, &st, WNOHANG), ECHILD);
    CHECK_EQ(waitpid(0, &st, 0), same);
    CHECK_EQ(WEXITSTATUS(st), 1);

    CHECK_OK(pipe(p));
    other = child(3, 1, p[0], p[1]);
    close(p[1]);
    close(p[0]);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PGID, other, &si, WEXITED));
    CHECK_EQ(si.si_pid, other);
    CHECK_EQ(si.si_status, 3);
    CHECK_ERR(waitpid(0, &st, 0), ECHILD);
    PASS();
}
