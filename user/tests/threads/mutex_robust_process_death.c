/* A process-shared robust mutex held by a child process that is killed:
 * the kernel marks it OWNER_DIED and the parent's lock returns EOWNERDEAD;
 * without pthread_mutex_consistent, the unlock makes it ENOTRECOVERABLE. */
#include "tt.h"

int main(void)
{
    pthread_mutexattr_t a;
    int pipefd[2];
    char c;
    pthread_mutex_t *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST));
    CHECK_PT(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED));
    CHECK_PT(pthread_mutex_init(m, &a));
    CHECK_OK(pipe(pipefd));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        if (pthread_mutex_lock(m) != 0)
            _exit(2);
        write(pipefd[1], "x", 1);
        for (;;)
            pause();
    }
    CHECK_EQ(read(pipefd[0], &c, 1), 1);
    CHECK_EQ(pthread_mutex_trylock(m), EBUSY);
    CHECK_OK(kill(pid, SIGKILL));
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    CHECK_EQ(pthread_mutex_lock(m), EOWNERDEAD);
    CHECK_PT(pthread_mutex_unlock(m));
    CHECK_EQ(pthread_mutex_lock(m), ENOTRECOVERABLE);
    PASS();
}
