/* /proc/sysvipc/{shm,sem,msg} list the System V IPC objects, one line
 * each under Linux's header (ipc/{shm,sem,msg}.c sysvipc_*_proc_show),
 * and /proc/sys/kernel/{shmmax,shmall,shmmni,sem,msgmax,msgmnb,msgmni}
 * read Linux's defaults. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

/* The line of `path` whose second field is `id`; its text in `out`. */
static int find_line(const char *path, const char *header, int id, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char line[512];
    CHECK(fgets(line, sizeof line, f) != NULL);
    if (strcmp(line, header))
        FAIL("%s header: '%s'", path, line);
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        int key, lid;
        if (sscanf(line, "%d %d", &key, &lid) == 2 && lid == id) {
            snprintf(out, len, "%s", line);
            found = 1;
        }
    }
    fclose(f);
    return found;
}

static void read_text(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    CHECK(fgets(out, len, f) != NULL);
    fclose(f);
}

int main(void)
{
    key_t key = 0x5e200000 | (getpid() & 0xfffff);
    int shm = shmget(key, 5000, IPC_CREAT | 0640);
    int sem = semget(key, 4, IPC_CREAT | 0604);
    int msg = msgget(key, IPC_CREAT | 0620);
    CHECK(shm >= 0 && sem >= 0 && msg >= 0);
    void *p = shmat(shm, NULL, 0);
    CHECK(p != (void *)-1);
    struct { long type; char t[10]; } m = {1, "hello"};
    CHECK_OK(msgsnd(msg, &m, 6, 0));
    struct shmid_ds sds;
    struct semid_ds ss;
    struct msqid_ds ms;
    CHECK_OK(shmctl(shm, IPC_STAT, &sds));
    CHECK_OK(semctl(sem, 0, IPC_STAT, &ss));
    CHECK_OK(msgctl(msg, IPC_STAT, &ms));

    char line[512], want[512];
    CHECK(find_line("/proc/sysvipc/shm",
                    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n",
                    shm, line, sizeof line));
    snprintf(want, sizeof want, "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu %21lu\n",
             key, shm, 0640, 5000ul, getpid(), getpid(), 1ul, 0, 0, 0, 0,
             (unsigned long long)sds.shm_atime, 0ull, (unsigned long long)sds.shm_ctime, 0ul, 0ul);
    if (strcmp(line, want))
        FAIL("shm line:\n'%s'\nexpected\n'%s'", line, want);

    CHECK(find_line("/proc/sysvipc/sem",
                    "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
                    sem, line, sizeof line));
    snprintf(want, sizeof want, "%10d %10d  %4o %10u %5u %5u %5u %5u %10llu %10llu\n",
             key, sem, 0604, 4, 0, 0, 0, 0, 0ull, (unsigned long long)ss.sem_ctime);
    if (strcmp(line, want))
        FAIL("sem line:\n'%s'\nexpected\n'%s'", line, want);

    CHECK(find_line("/proc/sysvipc/msg",
                    "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n",
                    msg, line, sizeof line));
    snprintf(want, sizeof want, "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu\n",
             key, msg, 0620, 6ul, 1ul, getpid(), 0, 0, 0, 0, 0,
             (unsigned long long)ms.msg_stime, 0ull, (unsigned long long)ms.msg_ctime);
    if (strcmp(line, want))
        FAIL("msg line:\n'%s'\nexpected\n'%s'", line, want);

    CHECK_OK(shmdt(p));
    CHECK_OK(shmctl(shm, IPC_RMID, 0));
    CHECK_OK(semctl(sem, 0, IPC_RMID));
    CHECK_OK(msgctl(msg, IPC_RMID, 0));
    CHECK(!find_line("/proc/sysvipc/shm",
                     "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n",
                     shm, line, sizeof line));

    char text[128];
    read_text("/proc/sys/kernel/shmmax", text, sizeof text);
    CHECK(strcmp(text, "18446744073692774399\n") == 0);
    read_text("/proc/sys/kernel/shmall", text, sizeof text);
    CHECK(strcmp(text, "18446744073692774399\n") == 0);
    read_text("/proc/sys/kernel/shmmni", text, sizeof text);
    CHECK(strcmp(text, "4096\n") == 0);
    read_text("/proc/sys/kernel/sem", text, sizeof text);
    CHECK(strcmp(text, "32000\t1024000000\t500\t32000\n") == 0);
    read_text("/proc/sys/kernel/msgmax", text, sizeof text);
    CHECK(strcmp(text, "8192\n") == 0);
    read_text("/proc/sys/kernel/msgmnb", text, sizeof text);
    CHECK(strcmp(text, "16384\n") == 0);
    read_text("/proc/sys/kernel/msgmni", text, sizeof text);
    CHECK(strcmp(text, "32000\n") == 0);
    PASS();
}
