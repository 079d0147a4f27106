/* SEM_UNDO: the adjustments a process's semops with SEM_UNDO made are
 * undone when it exits (Linux ipc/sem.c exit_sem), before its parent can
 * reap it; operations without SEM_UNDO stay. GETPID then names the exited
 * process. SETVAL clears the adjustments of that semaphore. Checked on
 * Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int id = semget(IPC_PRIVATE, 3, 0600);
    CHECK(id >= 0);
    CHECK_OK(semctl(id, 0, SETVAL, 5));
    CHECK_OK(semctl(id, 2, SETVAL, 5));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct sembuf ops[3] = {
            {0, -2, SEM_UNDO}, /* undone at exit: back to 5 */
            {1, 3, 0},         /* stays: 3 */
            {2, 4, SEM_UNDO},  /* cleared by the parent's SETVAL below */
        };
        if (semop(id, ops, 3) != 0) _exit(2);
        if (semctl(id, 0, GETVAL) != 3) _exit(3);
        struct sembuf again = {0, -1, SEM_UNDO};
        if (semop(id, &again, 1) != 0) _exit(4);
        _exit(0);
    }
    int st;
    /* Let the child finish its semops, then reset semaphore 2. */
    for (int i = 0; i < 2000 && semctl(id, 1, GETVAL) != 3; i++)
        usleep(1000);
    CHECK_EQ(semctl(id, 1, GETVAL), 3);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_EQ(semctl(id, 0, GETVAL), 5);
    CHECK_EQ(semctl(id, 1, GETVAL), 3);
    CHECK_EQ(semctl(id, 2, GETVAL), 5);
    CHECK_EQ(semctl(id, 0, GETPID), pid);

    /* SETVAL forgets the undo: the child's +4 is not taken back. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct sembuf op = {2, 4, SEM_UNDO};
        if (semop(id, &op, 1) != 0) _exit(2);
        _exit(0);
    }
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(semctl(id, 2, GETVAL), 5);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct sembuf op = {2, 4, SEM_UNDO};
        if (semop(id, &op, 1) != 0) _exit(2);
        if (semctl(id, 2, SETVAL, 1) != 0) _exit(3);
        _exit(0);
    }
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_EQ(semctl(id, 2, GETVAL), 1);
    CHECK_OK(semctl(id, 0, IPC_RMID));
    PASS();
}
