/* setsid: a process that is not a group leader becomes the leader of a new
 * session and group (getsid == getpgid == pid); a group leader gets EPERM,
 * and so does a second setsid. getsid/getpgid of a missing pid are ESRCH. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

static int child_status(pid_t pid)
{
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    return WEXITSTATUS(st);
}

int main(void)
{
    pid_t old_sid = getsid(0);
    CHECK(old_sid >= 0); /* 0 under a Linux init that never called setsid */
    CHECK_EQ(getsid(getpid()), old_sid);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pid_t me = getpid();
        if (getpgrp() == me)
            _exit(2);
        if (setsid() != me)
            _exit(3);
        if (getsid(0) != me || getpgrp() != me || getpgid(0) != me)
            _exit(4);
        if (setsid() != -1 || errno != EPERM)
            _exit(5);
        _exit(0);
    }
    CHECK_EQ(child_status(pid), 0);

    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setpgid(0, 0) < 0)
            _exit(2);
        if (setsid() != -1 || errno != EPERM)
            _exit(3);
        if (getsid(0) != old_sid)
            _exit(4);
        _exit(0);
    }
    CHECK_EQ(child_status(pid), 0);

    /* The session is unchanged in the parent; the reaped pid is gone. */
    CHECK_EQ(getsid(0), old_sid);
    CHECK_ERR(getsid(pid), ESRCH);
    CHECK_ERR(getpgid(pid), ESRCH);
    PASS();
}
