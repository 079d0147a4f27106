/* RLIMIT_NPROC caps thread creation: with a low soft limit, creating
 * threads beyond it fails with EAGAIN (pthread_create, and fork too).
 *
 * Linux counts tasks per user and exempts root (and CAP_SYS_RESOURCE /
 * CAP_SYS_ADMIN holders) from RLIMIT_NPROC, so the work is done in a forked
 * child that first drops to an otherwise unused uid with setuid (which
 * drops all capabilities). The limit counts tasks (threads), the caller
 * included: with the limit L and the child alone under that uid, Linux
 * admits exactly L - 1 more threads. */
#include "tt.h"
#include <sys/resource.h>

#define LIMIT 5
#define UID 54321

static void *idle(void *arg)
{
    for (;;)
        pause();
    return 0;
}

int main(void)
{
    int fds[2], st;
    CHECK_OK(pipe(fds));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        int res[3] = {0, 0, 0};
        if (getuid() == 0 && setuid(UID) != 0)
            _exit(2);
        struct rlimit rl = {LIMIT, LIMIT};
        if (setrlimit(RLIMIT_NPROC, &rl) != 0)
            _exit(3);
        int made = 0, err = 0;
        for (int i = 0; i < 3 * LIMIT; i++) {
            pthread_t t;
            err = pthread_create(&t, 0, idle, 0);
            if (err)
                break;
            made++;
        }
        res[0] = made;
        res[1] = err;
        pid_t f = fork();
        if (f == 0)
            _exit(0);
        res[2] = f < 0 ? errno : 0;
        if (f > 0)
            waitpid(f, 0, 0);
        write(fds[1], res, sizeof res);
        _exit(0);
    }
    int res[3];
    CHECK_EQ(read(fds[0], res, sizeof res), sizeof res);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(res[0], LIMIT - 1);
    CHECK_EQ(res[1], EAGAIN);
    CHECK_EQ(res[2], EAGAIN);
    PASS();
}
