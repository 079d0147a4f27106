/* PR_GET_TIMERSLACK starts at 50000 ns; PR_SET_TIMERSLACK sets it per
 * thread, and 0 goes back to the default, which is the slack the thread
 * was created with. A forked child (and a new thread) inherits the
 * current slack. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void *read_slack(void *arg) {
    (void)arg;
    long before = prctl(PR_GET_TIMERSLACK);
    prctl(PR_SET_TIMERSLACK, 7);
    prctl(PR_SET_TIMERSLACK, 0);
    long after = prctl(PR_GET_TIMERSLACK);
    return (void *)(before == 123456 && after == 123456 ? 0L : 1L);
}

int main(void) {
    CHECK_EQ(prctl(PR_GET_TIMERSLACK), 50000);
    CHECK_OK(prctl(PR_SET_TIMERSLACK, 123456));
    CHECK_EQ(prctl(PR_GET_TIMERSLACK), 123456);
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, read_slack, NULL));
    void *ret;
    CHECK_PT(pthread_join(t, &ret));
    CHECK(ret == NULL);
    CHECK_EQ(prctl(PR_GET_TIMERSLACK), 123456);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (prctl(PR_GET_TIMERSLACK) != 123456)
            _exit(2);
        prctl(PR_SET_TIMERSLACK, 9);
        prctl(PR_SET_TIMERSLACK, 0);
        _exit(prctl(PR_GET_TIMERSLACK) == 123456 ? 0 : 3);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);

    CHECK_OK(prctl(PR_SET_TIMERSLACK, 0));
    CHECK_EQ(prctl(PR_GET_TIMERSLACK), 50000);
    PASS();
}
