/* shmat's flags (Linux ipc/shm.c do_shmat, checked on Linux 6.1 in QEMU):
 * - SHM_RDONLY maps read-only: a write is SIGSEGV, mprotect to write EACCES;
 * - an unaligned address is EINVAL, with SHM_RND it is rounded down;
 * - a fixed address over an existing mapping is EINVAL, with SHM_REMAP the
 *   mapping is replaced; SHM_REMAP with a NULL address is EINVAL;
 * - shmdt of an address that is no attachment is EINVAL. */
#include "t.h"
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int id = shmget(IPC_PRIVATE, 8192, 0600);
    CHECK(id >= 0);
    char *rw = shmat(id, NULL, 0);
    CHECK(rw != (void *)-1);
    strcpy(rw, "hello");
    char *ro = shmat(id, NULL, SHM_RDONLY);
    CHECK(ro != (void *)-1);
    CHECK(strcmp(ro, "hello") == 0);
    CHECK_ERR(mprotect(ro, 4096, PROT_READ | PROT_WRITE), EACCES);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        *(volatile char *)ro = 'x';
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);

    /* A free, aligned spot to attach at. */
    char *area = mmap(NULL, 8 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    CHECK_OK(munmap(area, 8 * 4096));
    CHECK((void *)shmat(id, area + 100, 0) == (void *)-1 && errno == EINVAL);
    char *r = shmat(id, area + 100, SHM_RND);
    CHECK(r == area);
    CHECK(strcmp(r, "hello") == 0);
    /* Occupied: EINVAL without SHM_REMAP. */
    CHECK((void *)shmat(id, area, 0) == (void *)-1 && errno == EINVAL);
    char *again = shmat(id, area, SHM_REMAP);
    CHECK(again == area);
    CHECK((void *)shmat(id, NULL, SHM_REMAP) == (void *)-1 && errno == EINVAL);

    struct shmid_ds ds;
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK_EQ(ds.shm_nattch, 3);
    CHECK_ERR(shmdt(rw + 1), EINVAL);
    char *anon = mmap(NULL, 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(anon != MAP_FAILED);
    CHECK_ERR(shmdt(anon), EINVAL);
    CHECK_OK(shmdt(rw));
    CHECK_OK(shmdt(ro));
    CHECK_OK(shmdt(again));
    CHECK_OK(shmctl(id, IPC_STAT, &ds));
    CHECK_EQ(ds.shm_nattch, 0);
    CHECK_OK(shmctl(id, IPC_RMID, 0));
    PASS();
}
