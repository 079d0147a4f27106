/* System V IPC keys and permissions, the same for msg, sem and shm (Linux
 * ipc/util.c ipcget/ipcperms, checked on Linux 6.1 in QEMU):
 * - a key that does not exist without IPC_CREAT: ENOENT;
 * - IPC_CREAT|IPC_EXCL on an existing key: EEXIST; IPC_CREAT alone or no
 *   flag: the same id;
 * - another user asking for access the mode does not grant: EACCES; its
 *   IPC_RMID and IPC_SET: EPERM; its IPC_STAT without read access: EACCES;
 * - a removed id is EINVAL and the next object gets another id. */
#include "t.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    key_t key = 0x5e000000 | (getpid() & 0xffffff);
    CHECK_ERR(msgget(key, 0600), ENOENT);
    CHECK_ERR(semget(key, 1, 0600), ENOENT);
    CHECK_ERR(shmget(key, 4096, 0600), ENOENT);

    int q = msgget(key, IPC_CREAT | 0600);
    int s = semget(key, 2, IPC_CREAT | 0600);
    int m = shmget(key, 4096, IPC_CREAT | 0600);
    CHECK(q >= 0 && s >= 0 && m >= 0);
    CHECK_ERR(msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_ERR(semget(key, 2, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_ERR(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK_EQ(msgget(key, IPC_CREAT | 0600), q);
    CHECK_EQ(semget(key, 0, 0), s);
    CHECK_EQ(shmget(key, 100, 0), m);
    /* More than the existing object has: EINVAL. */
    CHECK_ERR(semget(key, 3, 0), EINVAL);
    CHECK_ERR(shmget(key, 8192, 0), EINVAL);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(1000) || setuid(1000))
            _exit(2);
        if (msgget(key, 0600) != -1 || errno != EACCES) _exit(3);
        if (semget(key, 0, 0400) != -1 || errno != EACCES) _exit(4);
        if (shmget(key, 0, 0200) != -1 || errno != EACCES) _exit(5);
        /* Asking for no access is allowed. */
        if (msgget(key, 0) != q) _exit(6);
        struct msqid_ds ds;
        if (msgctl(q, IPC_STAT, &ds) != -1 || errno != EACCES) _exit(7);
        if (msgctl(q, IPC_RMID, 0) != -1 || errno != EPERM) _exit(8);
        if (semctl(s, 0, IPC_RMID) != -1 || errno != EPERM) _exit(9);
        if (shmctl(m, IPC_RMID, 0) != -1 || errno != EPERM) _exit(10);
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);

    CHECK_OK(msgctl(q, IPC_RMID, 0));
    CHECK_OK(semctl(s, 0, IPC_RMID));
    CHECK_OK(shmctl(m, IPC_RMID, 0));
    struct msqid_ds ds;
    CHECK_ERR(msgctl(q, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(semctl(s, 0, GETVAL), EINVAL);
    CHECK_ERR(msgget(key, 0), ENOENT);
    int q2 = msgget(IPC_PRIVATE, 0600);
    CHECK(q2 >= 0);
    CHECK(q2 != q);
    CHECK_OK(msgctl(q2, IPC_RMID, 0));
    PASS();
}
