/* A new process or thread inherits its creator's policy, priority and
 * nice; with reset-on-fork a real-time creator's child starts as
 * SCHED_OTHER at nice 0, a negative nice goes back to 0 (a positive one
 * and SCHED_BATCH stay), and the child does not keep the flag (Linux's
 * sched_fork). execve keeps the policy. Before weft had policies nothing
 * was inherited (every thread was SCHED_OTHER); this fails there and
 * passes on Linux. */
#include "st.h"

static const char *argv0;

struct seen {
    long policy;
    int prio;
    int nice;
};

static struct seen now(void)
{
    struct seen s = {get_sched(0), get_param(0), getpriority(PRIO_PROCESS, 0)};
    return s;
}

static void *thread_main(void *arg)
{
    *(struct seen *)arg = now();
    return 0;
}

static struct seen in_thread(void)
{
    struct seen s;
    pthread_t t;
    CHECK_PT(pthread_create(&t, 0, thread_main, &s));
    CHECK_PT(pthread_join(t, 0));
    return s;
}

/* The child reports what it sees through its exit status... too small:
 * through a pipe. */
static struct seen in_child(int exec)
{
    int fd[2];
    CHECK_OK(pipe(fd));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (exec) {
            char w[16];
            snprintf(w, sizeof w, "%d", fd[1]);
            execl("/proc/self/exe", "inherit", "report", w, (char *)0);
            execl(argv0, "inherit", "report", w, (char *)0);
            _exit(9);
        }
        struct seen s = now();
        write(fd[1], &s, sizeof s);
        _exit(0);
    }
    close(fd[1]);
    struct seen s;
    CHECK_EQ(read(fd[0], &s, sizeof s), sizeof s);
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    CHECK_EQ(st, 0);
    return s;
}

#define EXPECT(s, pol, pr, ni)                                            \
    do {                                                                  \
        struct seen _s = (s);                                             \
        if (_s.policy != (pol) || _s.prio != (pr) || _s.nice != (ni))     \
            FAIL("%s: policy %ld prio %d nice %d, expected %d %d %d", #s, \
                 _s.policy, _s.prio, _s.nice, (pol), (pr), (ni));         \
    } while (0)

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "report") == 0) {
        struct seen s = now();
        write(atoi(argv[2]), &s, sizeof s);
        return 0;
    }
    argv0 = argv[0];
    CHECK_OK(setpriority(PRIO_PROCESS, 0, 4));
    CHECK_OK(set_sched(0, SCHED_FIFO, 30));
    EXPECT(in_thread(), SCHED_FIFO, 30, 4);
    EXPECT(in_child(0), SCHED_FIFO, 30, 4);
    EXPECT(in_child(1), SCHED_FIFO, 30, 4);

    CHECK_OK(set_sched(0, SCHED_RR | RESET_ON_FORK, 30));
    EXPECT(in_thread(), SCHED_OTHER, 0, 0);
    EXPECT(in_child(0), SCHED_OTHER, 0, 0);
    EXPECT(now(), SCHED_RR | RESET_ON_FORK, 30, 4);

    CHECK_OK(set_sched(0, SCHED_OTHER | RESET_ON_FORK, 0));
    CHECK_OK(setpriority(PRIO_PROCESS, 0, -5));
    EXPECT(in_thread(), SCHED_OTHER, 0, 0);
    EXPECT(in_child(0), SCHED_OTHER, 0, 0);
    CHECK_OK(set_sched(0, SCHED_BATCH | RESET_ON_FORK, 0));
    CHECK_OK(setpriority(PRIO_PROCESS, 0, 6));
    EXPECT(in_thread(), SCHED_BATCH, 0, 6);
    EXPECT(in_child(0), SCHED_BATCH, 0, 6);
    EXPECT(in_child(1), SCHED_BATCH, 0, 6);
    PASS();
}
