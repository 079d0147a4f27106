/* A child that dies of SIGSEGV or SIGABRT is reported with WIFSIGNALED and
 * the right WTERMSIG. The core-dump bit (WCOREDUMP) is set by Linux only when
 * a core file was actually written; with RLIMIT_CORE 0 and the process made
 * non-dumpable it is never set, and weft, which writes no core files, must
 * not set it either. */
#include "t.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(int how)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = {0, 0};
        setrlimit(RLIMIT_CORE, &rl);
        prctl(PR_SET_DUMPABLE, 0); /* may fail on weft: no core files anyway */
        if (how == SIGSEGV) {
            volatile int *volatile p = (int *)8;
            *p = 1;
        } else {
            abort();
        }
        _exit(100);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    return st;
}

int main(void)
{
    int st = run(SIGSEGV);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    CHECK(!WCOREDUMP(st));
    st = run(SIGABRT);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGABRT);
    CHECK(!WCOREDUMP(st));
    PASS();
}
