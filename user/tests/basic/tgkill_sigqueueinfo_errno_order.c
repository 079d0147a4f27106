/* Linux's errnos for directed signals, in its order: tgkill/tkill with a
 * tgid or tid <= 0 are EINVAL; a tid that does not exist, or is not in
 * the given tgid, is ESRCH even with a bad signal number (the number is
 * checked once the target is found, then EINVAL); kill and
 * rt_sigqueueinfo likewise say ESRCH before EINVAL. rt_sigqueueinfo to
 * another process with si_code >= 0 or SI_TKILL is EPERM;
 * rt_tgsigqueueinfo checks the ids (EINVAL) before that. Checked on
 * Linux 6.1 in QEMU. */
#include "t.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t gone_pid(void) {
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    waitpid(p, NULL, 0);
    return p;
}

int main(void) {
    pid_t me = getpid(), tid = gettid(), gone = gone_pid();
    CHECK_ERR(syscall(SYS_tgkill, 0, tid, SIGUSR1), EINVAL);
    CHECK_ERR(syscall(SYS_tgkill, me, -3, SIGUSR1), EINVAL);
    CHECK_ERR(syscall(SYS_tkill, 0, SIGUSR1), EINVAL);
    CHECK_ERR(syscall(SYS_tgkill, me, gone, 999), ESRCH);
    CHECK_ERR(syscall(SYS_tkill, gone, 999), ESRCH);
    CHECK_ERR(syscall(SYS_tgkill, me, tid, 999), EINVAL);
    CHECK_ERR(syscall(SYS_tkill, tid, 65), EINVAL);
    CHECK_ERR(kill(gone, 999), ESRCH);
    CHECK_ERR(kill(me, 999), EINVAL);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pause();
        _exit(0);
    }
    /* The child's tid is not a thread of our group. */
    CHECK_ERR(syscall(SYS_tgkill, me, child, 0), ESRCH);
    CHECK_OK(syscall(SYS_tgkill, child, child, 0));

    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR1;
    info.si_code = SI_QUEUE;
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, gone, 999, &info), ESRCH);
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, child, 999, &info), EINVAL);
    info.si_code = SI_TKILL;
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, child, SIGUSR1, &info), EPERM);
    info.si_code = SI_USER;
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, child, SIGUSR1, &info), EPERM);
    CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, child, 0, SIGUSR1, &info), EINVAL);
    CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, child, child, SIGUSR1, &info), EPERM);
    info.si_code = SI_QUEUE;
    CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, me, gone, 999, &info), ESRCH);
    CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, child, child, 999, &info), EINVAL);

    CHECK_OK(kill(child, SIGKILL));
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    PASS();
}
