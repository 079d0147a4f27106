/* clone3 creating a thread on its own stack (stack + stack_size): the child
 * starts with RSP at the top of that stack, shares memory, and
 * CLONE_CHILD_CLEARTID wakes us when it exits. */
#include "tt.h"

static volatile int tidword;
static volatile long child_rsp, child_tid;

static int child(void *arg)
{
    long sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    child_rsp = sp;
    child_tid = rsys(SYS_gettid, 0, 0, 0, 0, 0, 0);
    return 0;
}

/* clone3, then in the child: call fn(arg) on the new stack and SYS_exit. */
static long clone3_run(struct clone_args_v2 *a, int (*fn)(void *), void *arg)
{
    long ret;
    register long r12 __asm__("r12") = (long)fn;
    register long r13 __asm__("r13") = (long)arg;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "mov %%r13, %%rdi\n\t"
                     "call *%%r12\n\t"
                     "mov %%eax, %%edi\n\t"
                     "mov $60, %%eax\n\t"
                     "syscall\n\t"
                     "hlt\n"
                     "1:"
                     : "=a"(ret)
                     : "a"(SYS_clone3), "D"(a), "S"(sizeof *a), "r"(r12), "r"(r13)
                     : "rcx", "r11", "memory");
    return ret;
}

int main(void)
{
    size_t size = 65536;
    char *top = child_stack(size);
    struct clone_args_v2 a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
              CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    a.parent_tid = a.child_tid = (unsigned long)&tidword;
    a.stack = (unsigned long)(top - size);
    a.stack_size = size;
    long tid = clone3_run(&a, child, 0);
    CHECK(tid > 0);
    wait_tid_clear(&tidword);
    CHECK_EQ(child_tid, tid);
    CHECK(child_rsp < (long)top && child_rsp > (long)top - 4096);
    PASS();
}
