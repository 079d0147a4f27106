/* RLIMIT_SIGPENDING bounds the siginfos queued for a user (its real uid):
 * with the limit at 3, three sigqueue() calls of a blocked real-time
 * signal succeed and the fourth fails with EAGAIN, as does tgkill of a
 * real-time signal; kill() of it still returns 0 (the signal stays
 * pending without its details), and so does sigqueue of a standard
 * signal. Taking one signal makes room again. Runs in a child that
 * becomes an unused uid, so that no other process shares the count
 * (changes credentials: basic_weftonly). Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXPECT(cond, code) do { if (!(cond)) _exit(code); } while (0)

int main(void) {
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct rlimit lim = {3, 3};
        EXPECT(setrlimit(RLIMIT_SIGPENDING, &lim) == 0, 2);
        EXPECT(setuid(43917) == 0, 3);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGRTMIN);
        sigaddset(&set, SIGUSR1);
        EXPECT(sigprocmask(SIG_BLOCK, &set, NULL) == 0, 4);
        union sigval v;
        for (int i = 0; i < 3; i++) {
            v.sival_int = i;
            EXPECT(sigqueue(getpid(), SIGRTMIN, v) == 0, 10 + i);
        }
        EXPECT(sigqueue(getpid(), SIGRTMIN, v) == -1 && errno == EAGAIN, 20);
        EXPECT(syscall(SYS_tgkill, getpid(), gettid(), SIGRTMIN) == -1 && errno == EAGAIN, 21);
        EXPECT(kill(getpid(), SIGRTMIN) == 0, 22);
        EXPECT(sigqueue(getpid(), SIGUSR1, v) == 0, 23);
        sigset_t rt;
        sigemptyset(&rt);
        sigaddset(&rt, SIGRTMIN);
        struct timespec zero = {0, 0};
        siginfo_t info;
        EXPECT(sigtimedwait(&rt, &info, &zero) == SIGRTMIN, 24);
        EXPECT(info.si_code == SI_QUEUE && info.si_value.sival_int == 0, 25);
        v.sival_int = 7;
        EXPECT(sigqueue(getpid(), SIGRTMIN, v) == 0, 26);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    PASS();
}
