/* PR_SET_PDEATHSIG: the signal comes when the parent *thread* that forked
 * the child exits, even though the parent process lives on (Linux's
 * real_parent is a thread). The child stays the process's child: the
 * process reaps it. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int ready[2];
static pid_t child;

static void *forker(void *arg) {
    (void)arg;
    child = fork();
    if (child == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigprocmask(SIG_BLOCK, &set, NULL);
        if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0)
            _exit(2);
        if (write(ready[1], "r", 1) != 1)
            _exit(3);
        struct timespec limit = {10, 0};
        siginfo_t info;
        if (sigtimedwait(&set, &info, &limit) != SIGUSR1)
            _exit(4);
        _exit(0);
    }
    char c;
    if (read(ready[0], &c, 1) != 1)
        return (void *)1;
    return NULL;
}

int main(void) {
    CHECK_OK(pipe(ready));
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, forker, NULL));
    void *ret;
    CHECK_PT(pthread_join(t, &ret));
    CHECK(ret == NULL);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    PASS();
}
