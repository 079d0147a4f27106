/* A semop blocked waiting for a semaphore is counted by GETNCNT (a wait
 * for zero by GETZCNT); IPC_RMID of the array wakes it with EIDRM (Linux
 * ipc/sem.c freeary). Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int id = semget(IPC_PRIVATE, 2, 0600);
    CHECK(id >= 0);
    CHECK_OK(semctl(id, 1, SETVAL, 1));
    pid_t a = fork();
    CHECK(a >= 0);
    if (a == 0) {
        struct sembuf op = {0, -1, 0};
        int r = semop(id, &op, 1);
        _exit(r == -1 && errno == EIDRM ? 0 : 2);
    }
    pid_t z = fork();
    CHECK(z >= 0);
    if (z == 0) {
        struct sembuf op = {1, 0, 0};
        int r = semop(id, &op, 1);
        _exit(r == -1 && errno == EIDRM ? 0 : 2);
    }
    int i;
    for (i = 0; i < 5000; i++) {
        if (semctl(id, 0, GETNCNT) == 1 && semctl(id, 1, GETZCNT) == 1)
            break;
        usleep(1000);
    }
    CHECK_EQ(semctl(id, 0, GETNCNT), 1);
    CHECK_EQ(semctl(id, 1, GETZCNT), 1);
    CHECK_EQ(semctl(id, 0, GETZCNT), 0);
    CHECK_OK(semctl(id, 0, IPC_RMID));
    int st;
    CHECK_EQ(waitpid(a, &st, 0), a);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_EQ(waitpid(z, &st, 0), z);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
