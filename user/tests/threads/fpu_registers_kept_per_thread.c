/* Each thread's SSE registers and MXCSR survive yields and blocking
 * sleeps while other threads load their own values: the kernel saves and
 * restores user FPU state per thread. The registers are loaded, the
 * syscall made and the registers read back in one asm block, so the
 * compiler cannot hide a loss by reloading from memory. */
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "t.h"

#define THREADS 4
#define ROUNDS 200

static int failures;

/* Loads xmm0-xmm7 from `in`, makes syscall `nr` (arg in rdi), stores
 * xmm0-xmm7 to `out`. */
static void around_syscall(const uint64_t *in, uint64_t *out, long nr, void *arg)
{
    __asm__ volatile(
        "movdqu 0(%0), %%xmm0\n\t"
        "movdqu 16(%0), %%xmm1\n\t"
        "movdqu 32(%0), %%xmm2\n\t"
        "movdqu 48(%0), %%xmm3\n\t"
        "movdqu 64(%0), %%xmm4\n\t"
        "movdqu 80(%0), %%xmm5\n\t"
        "movdqu 96(%0), %%xmm6\n\t"
        "movdqu 112(%0), %%xmm7\n\t"
        "mov %2, %%rax\n\t"
        "mov %3, %%rdi\n\t"
        "xor %%esi, %%esi\n\t"
        "syscall\n\t"
        "movdqu %%xmm0, 0(%1)\n\t"
        "movdqu %%xmm1, 16(%1)\n\t"
        "movdqu %%xmm2, 32(%1)\n\t"
        "movdqu %%xmm3, 48(%1)\n\t"
        "movdqu %%xmm4, 64(%1)\n\t"
        "movdqu %%xmm5, 80(%1)\n\t"
        "movdqu %%xmm6, 96(%1)\n\t"
        "movdqu %%xmm7, 112(%1)\n\t"
        :
        : "r"(in), "r"(out), "r"(nr), "r"(arg)
        : "rax", "rcx", "rdx", "rsi", "rdi", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
          "xmm7");
}

static void *worker(void *arg)
{
    uintptr_t id = (uintptr_t)arg;
    /* A rounding mode of its own: bits 13-14 of MXCSR. */
    unsigned mxcsr = 0x1f80 | ((unsigned)(id % 4) << 13), seen;
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    struct timespec ts = {0, 100000};
    uint64_t in[16], out[16];
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < 16; i++)
            in[i] = (id << 48) ^ ((uint64_t)round << 16) ^ (uint64_t)i * 0x9e3779b97f4a7c15ull;
        if (round % 2)
            around_syscall(in, out, 24 /* sched_yield */, 0);
        else
            around_syscall(in, out, 35 /* nanosleep */, &ts);
        if (memcmp(in, out, sizeof in) != 0)
            __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
        __asm__ volatile("stmxcsr %0" : "=m"(seen));
        if (seen != mxcsr)
            __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        CHECK_PT(pthread_create(&t[i], NULL, worker, (void *)(i + 1)));
    for (int i = 0; i < THREADS; i++)
        CHECK_PT(pthread_join(t[i], NULL));
    CHECK_EQ(failures, 0);
    PASS();
}
