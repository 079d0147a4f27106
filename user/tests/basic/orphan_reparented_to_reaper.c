/* When a process exits, its children are reparented: to the nearest
 * ancestor that is a child subreaper (prctl PR_SET_CHILD_SUBREAPER), or to
 * init (pid 1) when there is none.
 *
 * The test makes itself a subreaper when the kernel supports it, so the
 * expected new parent is the test itself (this is what makes the test work
 * on a host where the test is not a child of init). Where the prctl fails
 * (a kernel without subreapers), the orphan must be reparented to pid 1. A
 * kernel that accepts the prctl must honour it. */
#include "t.h"
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
    pid_t expected = subreaper ? getpid() : 1;
    if (subreaper) {
        int v = 0;
        CHECK_OK(prctl(PR_GET_CHILD_SUBREAPER, &v));
        CHECK_EQ(v, 1);
    }
    int p[2];
    CHECK_OK(pipe(p));
    pid_t mid = fork();
    CHECK(mid >= 0);
    if (mid == 0) {
        pid_t midpid = getpid();
        pid_t gc = fork();
        if (gc < 0)
            _exit(2);
        if (gc == 0) {
            /* Wait (at most ~10 s) until the middle process is gone. */
            for (int i = 0; i < 10000 && getppid() == midpid; i++) {
                struct timespec ts = {0, 1000000};
                nanosleep(&ts, NULL);
            }
            pid_t np = getppid();
            write(p[1], &np, sizeof np);
            _exit(0);
        }
        write(p[1], &gc, sizeof gc);
        _exit(0);
    }
    close(p[1]);
    int st;
    CHECK_EQ(waitpid(mid, &st, 0), mid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    pid_t gc, np;
    CHECK_EQ(read(p[0], &gc, sizeof gc), sizeof gc);
    CHECK_EQ(read(p[0], &np, sizeof np), sizeof np);
    CHECK_EQ(np, expected);
    if (subreaper) {
        /* The orphan is now our child: we reap it. */
        CHECK_EQ(waitpid(gc, &st, 0), gc);
        CHECK(WIFEXITED(st));
    }
    PASS();
}
