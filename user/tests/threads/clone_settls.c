/* CLONE_SETTLS sets the child's FS base: %fs:0 and %fs:8 read the block we
 * passed. The parent's own thread pointer is unchanged. */
#include "tt.h"

static unsigned long tls_block[64] __attribute__((aligned(64)));
static volatile unsigned long got0, got8;

static int child(void *arg)
{
    unsigned long a, b;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(a));
    __asm__ volatile("mov %%fs:8, %0" : "=r"(b));
    got0 = a;
    got8 = b;
    rexit(0);
}

int main(void)
{
    int st;
    pthread_t self = pthread_self();
    void *stk = child_stack(65536);
    tls_block[0] = (unsigned long)tls_block; /* x86_64 TCB self pointer */
    tls_block[1] = 0x5eedf00dcafeULL;
    int pid = clone(child, stk, CLONE_VM | CLONE_SETTLS | SIGCHLD, 0, 0, tls_block, 0);
    CHECK_OK(pid);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(got0, (unsigned long)tls_block);
    CHECK_EQ(got8, 0x5eedf00dcafeULL);
    CHECK(pthread_equal(self, pthread_self()));
    unsigned long fs0;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(fs0));
    CHECK(fs0 != (unsigned long)tls_block);
    PASS();
}
