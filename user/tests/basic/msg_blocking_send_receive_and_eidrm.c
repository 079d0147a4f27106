/* Blocking message queue calls (Linux ipc/msg.c, checked on Linux 6.1 in
 * QEMU): a receive on an empty queue waits for a send; a send to a full
 * queue (msg_qbytes lowered by IPC_SET) is EAGAIN with IPC_NOWAIT and
 * otherwise waits for a receive; a signal handler ends a wait with EINTR;
 * IPC_RMID wakes a waiting receiver with EIDRM. */
#include "t.h"
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

struct m { long type; char text[100]; };

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
    int q = msgget(IPC_PRIVATE, 0600);
    CHECK(q >= 0);
    struct m m = {1, "ping"};

    /* A receiver waits for the sender. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct m r;
        if (msgrcv(q, &r, sizeof r.text, 7, 0) != 5) _exit(2);
        if (strcmp(r.text, "late")) _exit(3);
        _exit(0);
    }
    usleep(100 * 1000);
    struct m late = {7, "late"};
    CHECK_OK(msgsnd(q, &late, 5, 0));
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);

    /* A full queue. */
    struct msqid_ds ds;
    CHECK_OK(msgctl(q, IPC_STAT, &ds));
    ds.msg_qbytes = 10;
    CHECK_OK(msgctl(q, IPC_SET, &ds));
    CHECK_OK(msgsnd(q, &m, 8, 0));
    CHECK_ERR(msgsnd(q, &m, 8, IPC_NOWAIT), EAGAIN);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep(100 * 1000);
        struct m r;
        if (msgrcv(q, &r, sizeof r.text, 0, 0) != 8) _exit(2);
        _exit(0);
    }
    CHECK_OK(msgsnd(q, &m, 8, 0));
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_OK(msgctl(q, IPC_STAT, &ds));
    CHECK_EQ(ds.msg_qnum, 1);

    /* A signal handler interrupts a blocked send, even with SA_RESTART. */
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGALRM, &sa, 0));
    struct itimerval it = {{0, 0}, {0, 100 * 1000}};
    CHECK_OK(setitimer(ITIMER_REAL, &it, 0));
    CHECK_ERR(msgsnd(q, &m, 8, 0), EINTR);
    struct m r;
    CHECK_EQ(msgrcv(q, &r, sizeof r.text, 0, 0), 8);

    /* IPC_RMID wakes a blocked receiver. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct m r2;
        long n = msgrcv(q, &r2, sizeof r2.text, 0, 0);
        _exit(n == -1 && errno == EIDRM ? 0 : 2);
    }
    usleep(100 * 1000);
    CHECK_OK(msgctl(q, IPC_RMID, 0));
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
