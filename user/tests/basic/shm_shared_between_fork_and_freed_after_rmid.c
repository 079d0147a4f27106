/* A System V shared memory segment attached before fork is shared with the
 * child (both see each other's writes) and nattch counts both attachments.
 * IPC_RMID while attached keeps the segment: IPC_STAT shows SHM_DEST in
 * the mode and the key IPC_PRIVATE; after the last shmdt it is gone
 * (EINVAL). shm_cpid, shm_lpid, shm_segsz as Linux sets them. Checked on
 * Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    key_t key = 0x5e100000 | (getpid() & 0xfffff);
    int id = shmget(key, 100000, IPC_CREAT | 0600);
    CHECK(id >= 0);
    volatile int *p = shmat(id, NULL, 0);
    CHECK(p != (void *)-1);
    CHECK_EQ(p[0], 0);
    struct shmid_ds ds;
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK_EQ(ds.shm_nattch, 1);
    CHECK_EQ(ds.shm_segsz, 100000);
    CHECK_EQ(ds.shm_cpid, getpid());
    CHECK_EQ(ds.shm_lpid, getpid());
    CHECK_EQ(ds.shm_perm.__key, key);

    int ready[2], go[2];
    CHECK_OK(pipe(ready));
    CHECK_OK(pipe(go));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char c;
        p[1000] = 42;
        if (write(ready[1], "r", 1) != 1) _exit(2);
        if (read(go[0], &c, 1) != 1) _exit(3);
        if (p[1001] != 7) _exit(4);
        _exit(0);
    }
    char c;
    CHECK_EQ(read(ready[0], &c, 1), 1);
    CHECK_EQ(p[1000], 42);
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK_EQ(ds.shm_nattch, 2);
    p[1001] = 7;
    CHECK_EQ(write(go[1], "g", 1), 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    /* The child's attachment went with its exit. */
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK_EQ(ds.shm_nattch, 1);

    CHECK_OK(shmctl(id, IPC_RMID, 0));
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK(ds.shm_perm.mode & SHM_DEST);
    CHECK_EQ(ds.shm_perm.__key, IPC_PRIVATE);
    CHECK_ERR(shmget(key, 0, 0), ENOENT);
    CHECK_EQ(p[1000], 42);
    CHECK_OK(shmdt((void *)p));
    CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(shmdt((void *)p), EINVAL);
    PASS();
}
