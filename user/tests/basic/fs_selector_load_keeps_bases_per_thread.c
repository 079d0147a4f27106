/* User code may load %fs with a selector (`mov %ax, %fs`); the FS base
 * then comes from the descriptor (0 for the flat user data segment 0x2b).
 * Linux keeps that as the thread's own state (thread.fsindex):
 * - the thread itself still has base 0 after a system call, and
 *   arch_prctl(ARCH_GET_FS) reports 0; ARCH_SET_FS puts back a base and
 *   the null selector;
 * - another process on the same CPU, whose FS base is the same address
 *   (a fork child has its parent's), keeps its own base: its TLS works.
 * weft used to cache the last FS base written per CPU and did not see the
 * selector change it, so the other process ran with base 0 and died.
 *
 * Checked on Linux 6.1 in QEMU. After the selector load the thread must
 * not touch its TLS (errno included), hence the raw system calls. */
#include "t.h"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>


#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define NR_SCHED_YIELD 24
#define NR_EXIT_GROUP 231
#define NR_ARCH_PRCTL 158
#define USER_DS 0x2b
#define ROUNDS 3000

static long raw2(long nr, long a, long b) {
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

static void load_fs(unsigned short selector) {
    __asm__ volatile("mov %0, %%fs" : : "r"(selector) : "memory");
}

static unsigned short fs_selector(void) {
    unsigned short s;
    __asm__ volatile("mov %%fs, %0" : "=r"(s));
    return s;
}

static __thread volatile long canary = 0x5eed;

/* Spins with %fs loaded from the GDT, yielding the CPU each round. */
static void _Noreturn selector_spinner(void) {
    load_fs(USER_DS);
    for (volatile int i = 0; i < ROUNDS; i++) {
        load_fs(USER_DS);
        raw2(NR_SCHED_YIELD, 0, 0);
    }
    raw2(NR_EXIT_GROUP, 0, 0);
    for (;;) {
    }
}

int main(void) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    CHECK_OK(sched_setaffinity(0, sizeof one, &one));

    unsigned long tls = 0, seen = 1;
    CHECK_EQ(raw2(NR_ARCH_PRCTL, ARCH_GET_FS, (long)&tls), 0);
    CHECK(tls != 0);
    load_fs(USER_DS);
    raw2(NR_SCHED_YIELD, 0, 0);
    long got = raw2(NR_ARCH_PRCTL, ARCH_GET_FS, (long)&seen);
    long set = raw2(NR_ARCH_PRCTL, ARCH_SET_FS, (long)tls);
    /* TLS is back from here on. */
    CHECK_EQ(set, 0);
    CHECK_EQ(got, 0);
    CHECK_EQ(seen, 0);
    CHECK_EQ(fs_selector(), 0);
    CHECK_EQ(canary, 0x5eed);

    pid_t child = fork();
    CHECK_OK(child);
    if (child == 0)
        selector_spinner();
    for (int i = 0; i < ROUNDS; i++) {
        if (canary != 0x5eed)
            FAIL("round %d: TLS reads %ld", i, (long)canary);
        raw2(NR_SCHED_YIELD, 0, 0);
    }
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    PASS();
}
