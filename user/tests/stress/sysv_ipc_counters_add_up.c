/* System V IPC under load: 8 processes x 4 threads for 20 s. Each round a
 * thread
 * - takes a semaphore used as a lock (semop -1 with SEM_UNDO), adds 1 to a
 *   counter in a shared memory segment, and gives the lock back;
 * - sends a message carrying a number to a queue and receives any message,
 *   adding its number to its own received sum;
 * - adds 1 to its own slot in the segment (no lock: nobody else writes it).
 * At the end the locked counter equals the sum of all rounds, the sums of
 * numbers sent and received are equal, no message is left and the lock
 * semaphore is back at 1. Then everything is removed, the way ipcs looks
 * (MSG_INFO/SEM_INFO/SHM_INFO and *_STAT_ANY over every index, as busybox
 * ipcs and util-linux lsipc do; Debian's busybox-static has no ipcs applet)
 * and /proc/sysvipc show nothing left, and MemFree is back near where it
 * started (the 64 MiB segment was touched whole). Checked on Linux 6.1 in
 * QEMU. */
#include "t.h"
#include "sysstate.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROCS 8
#define THREADS 4
#define SECONDS 20
#define SEG_BYTES (64 << 20)
/* Linux keeps some freed pages on per-CPU lists, outside MemFree: a
 * quarter of the segment is allowed for that. */
#define SLACK_KB 16384

struct slot {
    long rounds;
    long sent;
    long received;
    long unlocked;
};

struct shared {
    long counter;
    struct slot slots[PROCS * THREADS];
};

struct msg {
    long type;
    long value;
    char pad[40];
};

static int semid, msqid;
static struct shared *sh;
static time_t end;

static void *worker(void *arg)
{
    struct slot *me = &sh->slots[(intptr_t)arg];
    long value = (intptr_t)arg * 1000003L;
    while (time(NULL) < end) {
        struct sembuf down = {0, -1, SEM_UNDO}, up = {0, 1, SEM_UNDO};
        if (semop(semid, &down, 1) != 0) return (void *)1;
        sh->counter++;
        if (semop(semid, &up, 1) != 0) return (void *)2;

        struct msg m = {1 + (value & 7), value};
        if (msgsnd(msqid, &m, sizeof m - sizeof m.type, 0) != 0) return (void *)3;
        me->sent += value;
        struct msg r;
        if (msgrcv(msqid, &r, sizeof r - sizeof r.type, 0, 0) != sizeof r - sizeof r.type) return (void *)4;
        me->received += r.value;

        me->unlocked++;
        me->rounds++;
        value = value * 31 + 7;
        value &= 0xffffff;
    }
    return NULL;
}

static int proc_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f))
        n++;
    fclose(f);
    return n;
}

int main(void)
{
    long before = memfree_kb();
    int shmid = shmget(IPC_PRIVATE, SEG_BYTES, 0600);
    semid = semget(IPC_PRIVATE, 1, 0600);
    msqid = msgget(IPC_PRIVATE, 0600);
    CHECK(shmid >= 0 && semid >= 0 && msqid >= 0);
    CHECK_OK(semctl(semid, 0, SETVAL, 1));
    sh = shmat(shmid, NULL, 0);
    CHECK(sh != (void *)-1);
    memset(sh, 0, SEG_BYTES);
    end = time(NULL) + SECONDS;

    pid_t kids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        kids[p] = fork();
        CHECK(kids[p] >= 0);
        if (kids[p] == 0) {
            pthread_t t[THREADS];
            for (int i = 0; i < THREADS; i++)
                if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(p * THREADS + i)))
                    _exit(10);
            for (int i = 0; i < THREADS; i++) {
                void *r;
                pthread_join(t[i], &r);
                if (r)
                    _exit(20 + (int)(intptr_t)r);
            }
            _exit(0);
        }
    }
    for (int p = 0; p < PROCS; p++) {
        int st;
        CHECK_EQ(waitpid(kids[p], &st, 0), kids[p]);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            FAIL("worker process %d: status %#x", p, st);
    }

    long rounds = 0, sent = 0, received = 0, unlocked = 0;
    for (int i = 0; i < PROCS * THREADS; i++) {
        rounds += sh->slots[i].rounds;
        sent += sh->slots[i].sent;
        received += sh->slots[i].received;
        unlocked += sh->slots[i].unlocked;
    }
    printf("sysv_ipc_counters_add_up: %ld rounds\n", rounds);
    CHECK(rounds > 0);
    CHECK_EQ(sh->counter, rounds);
    CHECK_EQ(unlocked, rounds);
    CHECK_EQ(sent, received);
    CHECK_EQ(semctl(semid, 0, GETVAL), 1);
    struct msqid_ds mds;
    CHECK_OK(msgctl(msqid, IPC_STAT, &mds));
    CHECK_EQ(mds.msg_qnum, 0);
    CHECK_EQ(mds.msg_cbytes, 0);
    struct shmid_ds sds;
    CHECK_OK(shmctl(shmid, IPC_STAT, &sds));
    CHECK_EQ(sds.shm_nattch, 1);

    CHECK_OK(shmctl(shmid, IPC_RMID, 0));
    CHECK_OK(shmdt(sh));
    CHECK_OK(semctl(semid, 0, IPC_RMID));
    CHECK_OK(msgctl(msqid, IPC_RMID, 0));

    /* What ipcs would list: nothing. */
    struct shm_info si;
    int max = shmctl(0, SHM_INFO, (struct shmid_ds *)&si);
    CHECK(max >= 0);
    CHECK_EQ(si.used_ids, 0);
    for (int i = 0; i <= max; i++)
        CHECK_ERR(shmctl(i, SHM_STAT_ANY, &sds), EINVAL);
    struct seminfo sem_info;
    max = semctl(0, 0, SEM_INFO, &sem_info);
    CHECK(max >= 0);
    CHECK_EQ(sem_info.semusz, 0);
    struct semid_ds sem_ds;
    for (int i = 0; i <= max; i++)
        CHECK_ERR(semctl(i, 0, SEM_STAT_ANY, &sem_ds), EINVAL);
    struct msginfo mi;
    max = msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
    CHECK(max >= 0);
    CHECK_EQ(mi.msgpool, 0);
    for (int i = 0; i <= max; i++)
        CHECK_ERR(msgctl(i, MSG_STAT_ANY, &mds), EINVAL);
    CHECK_EQ(proc_lines("/proc/sysvipc/shm"), 1);
    CHECK_EQ(proc_lines("/proc/sysvipc/sem"), 1);
    CHECK_EQ(proc_lines("/proc/sysvipc/msg"), 1);

    long after = memfree_back(before, SLACK_KB);
    if (after < before - SLACK_KB)
        FAIL("MemFree %ld kB before, %ld kB after", before, after);
    PASS();
}
