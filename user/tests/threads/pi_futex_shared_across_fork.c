/* A process-shared PI futex (no FUTEX_PRIVATE_FLAG) in a MAP_SHARED page:
 * a child process blocks in FUTEX_LOCK_PI behind its parent (the owner is
 * found by TID across processes), is handed the lock by the parent's
 * FUTEX_UNLOCK_PI (word = its TID | FUTEX_WAITERS) and unlocks it; a
 * process-shared PTHREAD_PRIO_INHERIT mutex in the same page then works
 * across the two processes. Fails on weft before the PI operations
 * (ENOSYS); passes on Linux. */
#include "pi.h"

struct shared {
    volatile int word;
    volatile int child_tid;
    pthread_mutex_t m;
    volatile long counter;
};

int main(void)
{
    struct shared *s = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED);
    int me = gettid_();
    CHECK_EQ(futex(&s->word, FUTEX_LOCK_PI, 0, 0, 0, 0), 0);
    CHECK_EQ(s->word, me);

    pthread_mutexattr_t a;
    CHECK_PT(pthread_mutexattr_init(&a));
    CHECK_PT(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED));
    CHECK_PT(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
    CHECK_PT(pthread_mutex_init(&s->m, &a));

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        s->child_tid = gettid_();
        if (futex(&s->word, FUTEX_LOCK_PI, 0, 0, 0, 0) != 0)
            _exit(10);
        if ((unsigned)s->word != ((unsigned)gettid_() | FUTEX_WAITERS))
            _exit(11);
        if (futex(&s->word, FUTEX_UNLOCK_PI, 0, 0, 0, 0) != 0)
            _exit(12);
        for (int i = 0; i < 100; i++) {
            if (pthread_mutex_lock(&s->m))
                _exit(13);
            long c = s->counter;
            if (i % 25 == 0)
                sleep_ms(2);
            s->counter = c + 1;
            pthread_mutex_unlock(&s->m);
        }
        _exit(0);
    }
    wait_for_waiters(&s->word);
    CHECK_EQ((unsigned)s->word, (unsigned)me | FUTEX_WAITERS);
    CHECK_EQ(futex(&s->word, FUTEX_UNLOCK_PI, 0, 0, 0, 0), 0);
    for (int i = 0; i < 100; i++) {
        CHECK_PT(pthread_mutex_lock(&s->m));
        long c = s->counter;
        if (i % 25 == 0)
            sleep_ms(2);
        s->counter = c + 1;
        CHECK_PT(pthread_mutex_unlock(&s->m));
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_EQ(s->counter, 200);
    CHECK_EQ(s->word, 0);
    PASS();
}
