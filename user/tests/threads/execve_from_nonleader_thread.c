/* execve from a non-leader thread: the new program runs with the old pid
 * (getpid unchanged, gettid == getpid: it took over the leader's TID), the
 * other threads and the exec'ing thread's old TID are gone, and the parent
 * sees a single exit. Re-executes argv[0] with "after" arguments. */
#include "tt.h"

static pid_t sleeper_tid;
static char *self;

static void *sleeper(void *arg)
{
    sleeper_tid = gettid_();
    for (;;)
        pause();
    return 0;
}

static void *execer(void *arg)
{
    char a1[32], a2[32], a3[32], a4[32];
    snprintf(a1, sizeof a1, "%d", (int)getpid());
    snprintf(a2, sizeof a2, "%d", (int)sleeper_tid);
    snprintf(a3, sizeof a3, "%d", (int)gettid_());
    snprintf(a4, sizeof a4, "%d", (int)getppid());
    char *argv[] = {self, "after", a1, a2, a3, a4, 0};
    char *envp[] = {0};
    execve(self, argv, envp);
    _exit(50);
}

static int after(char **argv)
{
    pid_t pid = atoi(argv[2]), sleeper = atoi(argv[3]), old = atoi(argv[4]), ppid = atoi(argv[5]);
    if (getpid() != pid)
        return 10;
    if (gettid_() != pid)
        return 11;
    if (getppid() != ppid)
        return 12;
    if (syscall(SYS_tgkill, pid, sleeper, 0) != -1 || errno != ESRCH)
        return 13;
    if (syscall(SYS_tgkill, pid, old, 0) != -1 || errno != ESRCH)
        return 14;
    return 0;
}

int main(int argc, char **argv)
{
    int st;
    if (argc == 6 && strcmp(argv[1], "after") == 0)
        return after(argv);
    self = self_path(argv[0], "/tests/threads/execve_from_nonleader_thread");
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, 0, sleeper, 0);
        while (!sleeper_tid)
            sched_yield();
        pthread_create(&t, 0, execer, 0);
        for (;;)
            pause();
    }
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK_ERR(waitpid(-1, 0, WNOHANG), ECHILD);
    PASS();
}
