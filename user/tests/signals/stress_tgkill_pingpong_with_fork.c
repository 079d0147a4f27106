/* Stress: threads A and B send N signals each to one another with tgkill
 * while a third thread forks and reaps children in a loop; every signal
 * must be delivered to its target thread exactly once.
 *
 * How it counts: the signal is a real-time one (SIGRTMIN+1), so instances
 * queue instead of coalescing, and the senders also handshake: before
 * sending signal i+1, the sender waits (futex on the receiver's counter)
 * until the receiver's handler has counted signal i. So at most one signal
 * per direction is in flight, every one is counted by the handler of the
 * thread it was sent to (the handler checks gettid), and at the end both
 * counters must be exactly N. N defaults to 2000 (slow emulators); pass
 * another N as argv[1], e.g. 100000. */
#include "st.h"

#define SIG (SIGRTMIN + 1)

static long n = 2000;
static volatile int count[2];  /* signals received by A (0) and B (1) */
static volatile pid_t tid[2];
static volatile int wrong_thread, done_sending, forks, fork_fail;
static pthread_barrier_t bar;

static void handler(int sig)
{
    int saved = errno;
    pid_t me = gettid_();
    int who = (me == tid[0]) ? 0 : (me == tid[1]) ? 1 : -1;
    if (who < 0) {
        wrong_thread = 1;
    } else {
        __atomic_add_fetch(&count[who], 1, __ATOMIC_SEQ_CST);
        syscall(SYS_futex, &count[who], 1 /* FUTEX_WAKE */, 1, 0, 0, 0);
    }
    errno = saved;
}

static void *pinger(void *arg)
{
    int me = (int)(long)arg, other = 1 - me;
    tid[me] = gettid_();
    pthread_barrier_wait(&bar);
    for (long i = 1; i <= n; i++) {
        if (tgkill_(getpid(), tid[other], SIG) != 0)
            return (void *)1;
        int v;
        while ((v = count[other]) < i) {
            struct timespec ts = {1, 0};
            syscall(SYS_futex, &count[other], 0 /* FUTEX_WAIT */, v, &ts, 0, 0);
        }
    }
    __atomic_add_fetch(&done_sending, 1, __ATOMIC_SEQ_CST);
    /* Keep receiving until the other side is done too. */
    while (done_sending < 2)
        sleep_ms(1);
    return 0;
}

static void *forker(void *arg)
{
    pthread_barrier_wait(&bar);
    while (done_sending < 2) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(7);
        if (pid < 0) {
            fork_fail = 1;
            break;
        }
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 7)
            fork_fail = 1;
        forks++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    pthread_t a, b, f;
    void *ra, *rb;
    if (argc > 1)
        n = atol(argv[1]);
    CHECK(n > 0);
    on_signal(SIG, handler, SA_RESTART);
    block(SIG); /* only A and B take it: they unblock it below */
    CHECK_PT(pthread_barrier_init(&bar, 0, 3));
    CHECK_PT(pthread_create(&f, 0, forker, 0));
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIG);
    CHECK_PT(pthread_sigmask(SIG_UNBLOCK, &s, 0)); /* inherited by A and B */
    CHECK_PT(pthread_create(&a, 0, pinger, (void *)0L));
    CHECK_PT(pthread_create(&b, 0, pinger, (void *)1L));
    CHECK_PT(pthread_sigmask(SIG_BLOCK, &s, 0));
    CHECK_PT(pthread_join(a, &ra));
    CHECK_PT(pthread_join(b, &rb));
    CHECK_PT(pthread_join(f, 0));
    CHECK_EQ((long)ra, 0);
    CHECK_EQ((long)rb, 0);
    CHECK_EQ(wrong_thread, 0);
    CHECK_EQ(fork_fail, 0);
    CHECK(forks > 0);
    CHECK_EQ(count[0], n);
    CHECK_EQ(count[1], n);
    PASS();
}
