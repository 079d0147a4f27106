/* The System V IPC limits in /proc/sys/kernel take effect when root writes
 * them (Linux ipc/ipc_sysctl.c, checked on Linux 6.1 in QEMU):
 * - shmmax: a larger segment is EINVAL; shmall (pages): ENOSPC;
 * - sem "SEMMSL SEMMNS SEMOPM SEMMNI": nsems > SEMMSL is EINVAL, more than
 *   SEMOPM operations E2BIG;
 * - msgmax: a larger message is EINVAL; msgmnb: a new queue's msg_qbytes;
 * - msgmni: ENOSPC past that many queues;
 * - a value out of range (msgmni above 32768) is EINVAL and changes nothing.
 * Every limit is put back. */
#include "t.h"
#include "sysstate.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(text, f);
    CHECK_EQ(fclose(f), 0);
}

int main(void)
{
    write_proc_long("/proc/sys/kernel/shmmax", 8192);
    CHECK_ERR(shmget(IPC_PRIVATE, 8193, 0600), EINVAL);
    int shm = shmget(IPC_PRIVATE, 8192, 0600);
    CHECK(shm >= 0);
    CHECK_OK(shmctl(shm, IPC_RMID, 0));
    write_text("/proc/sys/kernel/shmmax", "18446744073692774399\n");

    long shmall = read_proc_long("/proc/sys/kernel/shmall");
    write_proc_long("/proc/sys/kernel/shmall", 0);
    CHECK_ERR(shmget(IPC_PRIVATE, 4096, 0600), ENOSPC);
    write_text("/proc/sys/kernel/shmall", "18446744073692774399\n");
    (void)shmall;

    write_text("/proc/sys/kernel/sem", "10 1024000000 4 32000\n");
    CHECK_ERR(semget(IPC_PRIVATE, 11, 0600), EINVAL);
    int sem = semget(IPC_PRIVATE, 10, 0600);
    CHECK(sem >= 0);
    struct sembuf ops[5] = {{0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 1, 0}};
    CHECK_ERR(semop(sem, ops, 5), E2BIG);
    CHECK_OK(semop(sem, ops, 4));
    CHECK_OK(semctl(sem, 0, IPC_RMID));
    write_text("/proc/sys/kernel/sem", "32000 1024000000 500 32000\n");

    write_proc_long("/proc/sys/kernel/msgmax", 100);
    write_proc_long("/proc/sys/kernel/msgmnb", 1000);
    int q = msgget(IPC_PRIVATE, 0600);
    CHECK(q >= 0);
    struct { long type; char text[200]; } m = {1, ""};
    CHECK_ERR(msgsnd(q, &m, 101, 0), EINVAL);
    CHECK_OK(msgsnd(q, &m, 100, 0));
    struct msqid_ds ds;
    CHECK_OK(msgctl(q, IPC_STAT, &ds));
    CHECK_EQ(ds.msg_qbytes, 1000);
    CHECK_OK(msgctl(q, IPC_RMID, 0));
    write_proc_long("/proc/sys/kernel/msgmax", 8192);
    write_proc_long("/proc/sys/kernel/msgmnb", 16384);

    /* Count the queues that exist, then allow only one more. */
    struct msginfo info;
    int maxidx = msgctl(0, MSG_INFO, (struct msqid_ds *)&info);
    CHECK(maxidx >= 0);
    int in_use = info.msgpool;
    write_proc_long("/proc/sys/kernel/msgmni", in_use + 1);
    int q1 = msgget(IPC_PRIVATE, 0600);
    CHECK(q1 >= 0);
    CHECK_ERR(msgget(IPC_PRIVATE, 0600), ENOSPC);
    CHECK_OK(msgctl(q1, IPC_RMID, 0));
    FILE *f = fopen("/proc/sys/kernel/msgmni", "w");
    CHECK(f != NULL);
    fputs("40000\n", f);
    CHECK(fclose(f) == EOF && errno == EINVAL);
    CHECK_EQ(read_proc_long("/proc/sys/kernel/msgmni"), in_use + 1);
    write_proc_long("/proc/sys/kernel/msgmni", 32000);
    PASS();
}
