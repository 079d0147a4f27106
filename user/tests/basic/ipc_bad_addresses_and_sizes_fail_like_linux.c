/* System V IPC calls with bad addresses and sizes fail as on Linux 6.1
 * (checked in QEMU), and never bring the kernel down (shmdt past user
 * space once panicked weft, found by the fuzzer):
 * - shmdt of NULL, of the first address past user space and of a kernel
 *   address: EINVAL;
 * - shmat at the last user page (the segment does not fit) and at a kernel
 *   address: ENOMEM;
 * - semop from a NULL array: EFAULT; nsops is an unsigned int, so 2^32
 *   operations are 0: EINVAL; 2^31 are E2BIG;
 * - msgsnd of 2^40 bytes: EINVAL; from NULL: EFAULT;
 * - msgrcv into NULL: EFAULT, and the message is gone (Linux copies out
 *   after taking it off the queue);
 * - IPC_STAT, GETALL and IPC_INFO into NULL: EFAULT;
 * - a SHM_HUGETLB segment with no huge pages reserved: ENOMEM. */
#include "t.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KERNEL_ADDR 0xffff800000000000UL
#define PAST_USER 0x800000000000UL

int main(void)
{
    CHECK_ERR(syscall(SYS_shmdt, 0), EINVAL);
    CHECK_ERR(syscall(SYS_shmdt, PAST_USER), EINVAL);
    CHECK_ERR(syscall(SYS_shmdt, KERNEL_ADDR), EINVAL);
    int shm = shmget(IPC_PRIVATE, 8192, 0600);
    CHECK(shm >= 0);
    CHECK_ERR(syscall(SYS_shmat, shm, 0x7ffffffff000UL, 0), ENOMEM);
    CHECK_ERR(syscall(SYS_shmat, shm, KERNEL_ADDR, 0), ENOMEM);
    CHECK_ERR(syscall(SYS_shmctl, shm, IPC_STAT, 0), EFAULT);
    CHECK_ERR(syscall(SYS_shmctl, 0, IPC_INFO, 0), EFAULT);
    CHECK_OK(shmctl(shm, IPC_RMID, 0));
    CHECK_ERR(shmget(IPC_PRIVATE, 2 << 20, SHM_HUGETLB | 0600), ENOMEM);

    int sem = semget(IPC_PRIVATE, 2, 0600);
    CHECK(sem >= 0);
    CHECK_ERR(syscall(SYS_semop, sem, 0, 1), EFAULT);
    CHECK_ERR(syscall(SYS_semop, sem, 0, 1UL << 32), EINVAL);
    CHECK_ERR(syscall(SYS_semop, sem, 0, 1UL << 31), E2BIG);
    CHECK_ERR(syscall(SYS_semctl, sem, 0, GETALL, 0), EFAULT);
    CHECK_OK(semctl(sem, 0, IPC_RMID));

    int q = msgget(IPC_PRIVATE, 0600);
    CHECK(q >= 0);
    struct { long type; char text[8]; } m = {1, "abc"};
    CHECK_ERR(syscall(SYS_msgsnd, q, &m, 1UL << 40, 0), EINVAL);
    CHECK_ERR(syscall(SYS_msgsnd, q, 0, 4, 0), EFAULT);
    CHECK_OK(msgsnd(q, &m, 4, 0));
    CHECK_ERR(syscall(SYS_msgrcv, q, 0, 8, 0, 0), EFAULT);
    CHECK_ERR(msgrcv(q, &m, 8, 0, IPC_NOWAIT), ENOMSG);
    CHECK_OK(msgctl(q, IPC_RMID, 0));
    PASS();
}
