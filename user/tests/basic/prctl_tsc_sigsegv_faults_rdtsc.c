/* PR_SET_TSC(PR_TSC_SIGSEGV) makes rdtsc in this thread raise SIGSEGV
 * (si_code SI_KERNEL: a #GP); PR_GET_TSC then reports PR_TSC_SIGSEGV and
 * PR_TSC_ENABLE undoes it; other values are EINVAL. The setting is kept
 * by a forked child and across execve (Linux's TIF_NOTSC); another thread
 * of the process is not affected. Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *info, void *ctx) {
    (void)sig;
    (void)ctx;
    fault_code = info->si_code;
    siglongjmp(back, 1);
}

static uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* 1 when rdtsc faulted with SIGSEGV. */
static int rdtsc_faults(void) {
    if (sigsetjmp(back, 1))
        return fault_code == SI_KERNEL ? 1 : 2;
    (void)rdtsc();
    return 0;
}

static void *other_thread(void *arg) {
    (void)arg;
    return (void *)(long)rdtsc_faults();
}

int main(int argc, char **argv) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
    if (argc > 1) {
        unsigned mode = 0;
        if (prctl(PR_GET_TSC, &mode) != 0 || mode != PR_TSC_SIGSEGV)
            _exit(20);
        _exit(rdtsc_faults() == 1 ? 0 : 21);
    }

    unsigned mode = 0;
    CHECK_OK(prctl(PR_GET_TSC, &mode));
    CHECK_EQ(mode, PR_TSC_ENABLE);
    CHECK_EQ(rdtsc_faults(), 0);
    CHECK_ERR(prctl(PR_SET_TSC, 3), EINVAL);
    CHECK_ERR(prctl(PR_SET_TSC, 0), EINVAL);

    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, other_thread, NULL));
    CHECK_OK(prctl(PR_SET_TSC, PR_TSC_SIGSEGV));
    void *ret;
    CHECK_PT(pthread_join(t, &ret));
    CHECK(ret == NULL);
    CHECK_OK(prctl(PR_GET_TSC, &mode));
    CHECK_EQ(mode, PR_TSC_SIGSEGV);
    CHECK_EQ(rdtsc_faults(), 1);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (rdtsc_faults() != 1)
            _exit(10);
        char *args[] = {argv[0], "exec", NULL};
        execv(argv[0], args);
        _exit(11);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);

    CHECK_OK(prctl(PR_SET_TSC, PR_TSC_ENABLE));
    CHECK_EQ(rdtsc_faults(), 0);
    PASS();
}
