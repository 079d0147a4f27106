/* The program break grows (new memory reads as zero and is writable),
 * shrinks (the break moves back), and brk(0) reports the current break.
 * Raw syscalls: musl's sbrk/brk refuse most uses. */
#include "t.h"
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    uintptr_t start = syscall(SYS_brk, 0);
    CHECK(start != 0);
    uintptr_t want = start + 256 * 1024;
    uintptr_t got = syscall(SYS_brk, want);
    CHECK_EQ(got, want);
    CHECK_EQ(syscall(SYS_brk, 0), want);
    volatile unsigned char *p = (unsigned char *)start;
    for (uintptr_t i = 0; i < want - start; i += 4096)
        CHECK_EQ(p[i], 0);
    for (uintptr_t i = 0; i < want - start; i += 1024)
        p[i] = (unsigned char)i;
    for (uintptr_t i = 0; i < want - start; i += 1024)
        CHECK_EQ(p[i], (unsigned char)i);
    /* Shrink to one page past the start: memory beyond is gone. */
    uintptr_t small = ((start + 4095) & ~(uintptr_t)4095) + 4096;
    CHECK_EQ(syscall(SYS_brk, small), small);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        volatile unsigned char *q = (unsigned char *)(small + 8192);
        q[0] = 1;
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    /* Grow again: the regained memory is zero again. */
    CHECK_EQ(syscall(SYS_brk, want), want);
    CHECK_EQ(p[small - start + 8192], 0);
    /* An impossible request leaves the break unchanged. */
    CHECK_EQ(syscall(SYS_brk, (uintptr_t)1 << 47), want);
    CHECK_EQ(syscall(SYS_brk, start), start);
    PASS();
}
