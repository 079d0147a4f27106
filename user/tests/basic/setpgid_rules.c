/* setpgid: a parent may move its child into a new group or back into its
 * own; getpgid reports it. Errors: a negative pgid is EINVAL, a pid that is
 * neither the caller nor its child is ESRCH, a child that has exec'd is
 * EACCES, a pgid that names no group in the session is EPERM, a session
 * leader cannot change group (EPERM), and a child in another session cannot
 * be moved (EPERM). */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

/* A child that waits for a byte (or EOF) on `fd`, then exits. */
static pid_t sleeper(int fd, int wfd)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(wfd);
        char c;
        read(fd, &c, 1);
        _exit(0);
    }
    return pid;
}

static pid_t dead_pid(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(0);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    return pid;
}

int main(int argc, char **argv)
{
    if (argc == 3) { /* exec'd child: signal readiness, wait */
        char c;
        write(atoi(argv[2]), "r", 1);
        read(atoi(argv[1]), &c, 1);
        _exit(0);
    }
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(getpgid(0), getpgrp());
    CHECK_EQ(getpgid(getpid()), getpgrp());

    pid_t c = sleeper(p[0], p[1]);
    CHECK_EQ(getpgid(c), getpgrp());
    CHECK_OK(setpgid(c, c));
    CHECK_EQ(getpgid(c), c);
    CHECK_OK(setpgid(c, getpgrp()));
    CHECK_EQ(getpgid(c), getpgrp());
    CHECK_OK(setpgid(c, 0)); /* 0: the pgid is the pid */
    CHECK_EQ(getpgid(c), c);

    CHECK_ERR(setpgid(c, -1), EINVAL);
    CHECK_ERR(setpgid(0, -5), EINVAL);
    CHECK_ERR(setpgid(dead_pid(), 0), ESRCH);
    CHECK_ERR(setpgid(c, dead_pid()), EPERM);

    /* A session leader child, in its own session. */
    int q[2];
    CHECK_OK(pipe(q));
    pid_t s = fork();
    CHECK(s >= 0);
    if (s == 0) {
        close(q[0]);
        close(p[1]);
        if (setsid() < 0)
            _exit(3);
        if (setpgid(0, 0) != -1 || errno != EPERM)
            _exit(4);
        write(q[1], "s", 1);
        char ch;
        read(p[0], &ch, 1);
        _exit(0);
    }
    close(q[1]);
    char ch;
    CHECK_EQ(read(q[0], &ch, 1), 1);
    CHECK_ERR(setpgid(s, getpgrp()), EPERM);
    CHECK_ERR(setpgid(s, s), EPERM);

    /* A child that has exec'd. */
    int r[2];
    CHECK_OK(pipe(r));
    pid_t e = fork();
    CHECK(e >= 0);
    if (e == 0) {
        close(p[1]);
        close(r[0]);
        char a[16], b[16];
        snprintf(a, sizeof a, "%d", p[0]);
        snprintf(b, sizeof b, "%d", r[1]);
        char *args[] = {argv[0], a, b, NULL};
        execv(argv[0], args);
        _exit(99);
    }
    CHECK_EQ(read(r[0], &ch, 1), 1);
    CHECK_ERR(setpgid(e, e), EACCES);

    close(p[1]); /* everyone exits */
    int st;
    for (int i = 0; i < 3; i++) {
        pid_t w = wait(&st);
        CHECK(w == c || w == s || w == e);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), 0);
    }
    PASS();
}
