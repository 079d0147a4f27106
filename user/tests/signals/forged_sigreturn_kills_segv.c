/* rt_sigreturn with no real signal frame (the stack pointer on garbage)
 * kills the process with SIGSEGV instead of loading the garbage. Tried in
 * forked children with an all-ones and an all-zero fake frame. */
#include "st.h"

static unsigned char frame[8192] __attribute__((aligned(64)));

static void forge(int fill)
{
    memset(frame, fill, sizeof frame);
    __asm__ volatile("mov %0, %%rsp\n\t"
                     "mov $15, %%eax\n\t"
                     "syscall\n\t"
                     "ud2\n"
                     :
                     : "r"(frame + 256)
                     : "memory");
}

static void run(int fill)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        forge(fill);
        _exit(1);
    }
    CHECK_KILLED_BY(wait_for(pid), SIGSEGV);
}

int main(void)
{
    run(0xff);
    run(0x00);
    run(0x41);
    PASS();
}
