/* semop applies all its operations or none; the errnos of semop,
 * semtimedop and semctl (Linux ipc/sem.c, checked on Linux 6.1 in QEMU):
 * EAGAIN with IPC_NOWAIT (nothing applied), ERANGE above SEMVMX (SETVAL,
 * an increase), E2BIG beyond SEMOPM operations, EFBIG for a semaphore
 * number past the array, EINVAL for nsops 0, EAGAIN when a semtimedop
 * times out, EINTR when a signal handler runs during the wait (even with
 * SA_RESTART). GETALL/SETALL and IPC_STAT's sem_nsems. */
#include "t.h"
#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
    int id = semget(IPC_PRIVATE, 3, 0600);
    CHECK(id >= 0);
    unsigned short vals[3] = {1, 2, 0};
    CHECK_OK(semctl(id, 0, SETALL, vals));
    struct sembuf ops[3] = {{0, -1, 0}, {1, 1, 0}, {2, -1, IPC_NOWAIT}};
    CHECK_ERR(semop(id, ops, 3), EAGAIN);
    unsigned short got[3];
    CHECK_OK(semctl(id, 0, GETALL, got));
    CHECK(got[0] == 1 && got[1] == 2 && got[2] == 0);
    ops[2].sem_op = 0;
    CHECK_OK(semop(id, ops, 3));
    CHECK_OK(semctl(id, 0, GETALL, got));
    CHECK(got[0] == 0 && got[1] == 3 && got[2] == 0);

    CHECK_ERR(semctl(id, 0, SETVAL, 32768), ERANGE);
    CHECK_ERR(semctl(id, 0, SETVAL, -1), ERANGE);
    CHECK_OK(semctl(id, 0, SETVAL, 32767));
    struct sembuf inc = {0, 1, 0};
    CHECK_ERR(semop(id, &inc, 1), ERANGE);
    struct sembuf far = {3, 1, 0};
    CHECK_ERR(semop(id, &far, 1), EFBIG);
    CHECK_ERR(semop(id, &inc, 0), EINVAL);
    static struct sembuf many[501];
    CHECK_ERR(semop(id, many, 501), E2BIG);

    struct sembuf wait1 = {2, -1, 0};
    struct timespec ts = {0, 50 * 1000 * 1000};
    CHECK_ERR(syscall(SYS_semtimedop, id, &wait1, 1, &ts), EAGAIN);
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(syscall(SYS_semtimedop, id, &wait1, 1, &bad), EINVAL);

    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGALRM, &sa, 0));
    struct itimerval it = {{0, 0}, {0, 100 * 1000}};
    CHECK_OK(setitimer(ITIMER_REAL, &it, 0));
    CHECK_ERR(semop(id, &wait1, 1), EINTR);

    struct semid_ds ds;
    CHECK_OK(semctl(id, 0, IPC_STAT, &ds));
    CHECK_EQ(ds.sem_nsems, 3);
    CHECK(ds.sem_otime > 0);
    CHECK_OK(semctl(id, 0, IPC_RMID));
    PASS();
}
