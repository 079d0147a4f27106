/* mq_notify with SIGEV_SIGNAL: when a message arrives on an empty queue
 * (and no receiver is waiting), the registered process gets the signal
 * with si_code SI_MESGQ, the registered si_value and the sender's pid and
 * uid; the registration is then gone (a second message sends nothing).
 * While one process is registered another gets EBUSY; mq_notify(NULL)
 * unregisters (and is a no-op for a process that is not registered), and
 * so does the owner's close of any descriptor of the queue or its exit.
 * The queue's read() line shows the registration. Checked on Linux 6.1 in
 * QEMU. */
#include "t.h"
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/weft-mq-notify-%d", getpid());
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 8 };
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_OK(mq_unlink(name));

    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &usr1, NULL));

    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    ev.sigev_value.sival_int = 4242;
    CHECK_OK(mq_notify(q, &ev));
    CHECK_ERR(mq_notify(q, &ev), EBUSY);

    char line[128];
    ssize_t n = read(q, line, sizeof line - 1);
    CHECK(n > 0);
    line[n] = 0;
    char want[128];
    snprintf(want, sizeof want, "QSIZE:%-10u NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", 0, SIGEV_SIGNAL, SIGUSR1, getpid());
    if (strcmp(line, want) != 0)
        FAIL("status line '%s', expected '%s'", line, want);

    pid_t child = fork();
    if (child == 0) {
        if (mq_notify(q, &ev) != -1 || errno != EBUSY)
            _exit(2);
        if (mq_notify(q, NULL) != 0) /* not the owner: nothing happens */
            _exit(3);
        if (mq_send(q, "hi", 2, 0) != 0)
            _exit(4);
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK_EQ(WEXITSTATUS(status), 0);

    struct timespec wait = { 5, 0 };
    siginfo_t si;
    CHECK_EQ(sigtimedwait(&usr1, &si, &wait), SIGUSR1);
    CHECK_EQ(si.si_code, SI_MESGQ);
    CHECK_EQ(si.si_value.sival_int, 4242);
    CHECK_EQ(si.si_pid, child);
    CHECK_EQ(si.si_uid, getuid());

    /* The registration went with the signal. */
    char buf[8];
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 2);
    CHECK_OK(mq_send(q, "again", 5, 0));
    struct timespec zero = { 0, 0 };
    CHECK_ERR(sigtimedwait(&usr1, &si, &zero), EAGAIN);
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 5);

    /* Register, unregister: nothing is sent, and another may register. */
    CHECK_OK(mq_notify(q, &ev));
    CHECK_OK(mq_notify(q, NULL));
    CHECK_OK(mq_send(q, "x", 1, 0));
    CHECK_ERR(sigtimedwait(&usr1, &si, &zero), EAGAIN);
    CHECK_EQ(mq_receive(q, buf, sizeof buf, NULL), 1);

    /* SIGEV_NONE registers without a signal; bad kinds and signals are EINVAL. */
    struct sigevent none = { .sigev_notify = SIGEV_NONE };
    CHECK_OK(mq_notify(q, &none));
    n = read(q, line, sizeof line - 1);
    (void)n;
    CHECK_ERR(mq_notify(q, &ev), EBUSY);
    CHECK_OK(mq_notify(q, NULL));
    struct sigevent bad = { .sigev_notify = 99 };
    CHECK_ERR(mq_notify(q, &bad), EINVAL);
    bad.sigev_notify = SIGEV_SIGNAL;
    bad.sigev_signo = 65;
    CHECK_ERR(mq_notify(q, &bad), EINVAL);
    CHECK_ERR(mq_notify(1000, &none), EBADF);

    /* A close of any descriptor of the queue by the owner drops its
     * registration (Linux's mqueue_flush_file), and so does its exit,
     * before it is reaped. */
    CHECK_OK(mq_notify(q, &ev));
    int copy = dup(q);
    CHECK(copy >= 0);
    CHECK_OK(close(copy));
    CHECK_OK(mq_notify(q, &ev));
    CHECK_OK(mq_notify(q, NULL));
    child = fork();
    if (child == 0)
        _exit(mq_notify(q, &none) == 0 ? 0 : 2);
    siginfo_t exited;
    CHECK_OK(waitid(P_PID, child, &exited, WEXITED | WNOWAIT));
    CHECK_EQ(exited.si_status, 0);
    CHECK_OK(mq_notify(q, &ev));
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK_ERR(mq_notify(STDIN_FILENO, &none), EBADF);
    PASS();
}
