/* WEFT-ONLY: ends memory with threads (runs in QEMU, on weft or Linux).
 *
 * A process touches all but about 48 MiB of free memory, then creates
 * threads (16 KiB stacks, each blocked) until pthread_create fails. Memory,
 * not a limit, ends it: threads-max and vm.max_map_count are raised first.
 * On weft clone fails with ENOMEM before a new thread's objects would eat
 * into the kernel's reserve (musl's pthread_create reports any clone
 * failure as EAGAIN), so the process is not taken by the OOM killer: it
 * sees EAGAIN after thousands of threads, every thread it made is alive,
 * and it exits normally. Then MemFree comes back and a thread can be made
 * again. (Linux's OOM killer may take the process instead.) */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"
#include "sysstate.h"

#define LEFT_FREE_KB (48L * 1024)

static void *nothing(void *arg)
{
    return arg;
}

/* The child: fills memory, then makes threads until it cannot; reports
 * {made, error, running} on `report`. */
static void fill_then_make_threads(int report, long free_kb)
{
    long hog = (free_kb - LEFT_FREE_KB) * 1024;
    if (hog > 0) {
        char *p = mmap(NULL, hog, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            _exit(3);
        for (long i = 0; i < hog; i += 4096)
            p[i] = 1;
    }
    int out[3];
    make_blocked_threads_until_failure(out);
    (void)!write(report, out, sizeof out);
    _exit(0);
}

int main(void)
{
    const char *threads_max = "/proc/sys/kernel/threads-max", *map_count = "/proc/sys/vm/max_map_count";
    long old_threads_max = read_proc_long(threads_max), old_map_count = read_proc_long(map_count);
    write_proc_long(threads_max, 1000000);
    write_proc_long(map_count, 1000000);
    int procs_before = procs_now();
    long mem_before = memfree_kb();

    int report[2];
    CHECK_OK(pipe(report));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        close(report[0]);
        fill_then_make_threads(report[1], mem_before);
    }
    close(report[1]);
    int got[3] = { 0, 0, 0 };
    ssize_t n = read(report[0], got, sizeof got);
    close(report[0]);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    if (WIFSIGNALED(st))
        FAIL("the process was killed by signal %d after its threads filled memory", WTERMSIG(st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(n, (long)sizeof got);
    printf("%d threads, then pthread_create: %s\n", got[0], strerror(got[1]));
    CHECK_EQ(got[1], EAGAIN);
    /* 48 MiB hold thousands of blocked threads. */
    CHECK(got[0] >= 1000);
    CHECK_EQ(got[2], got[0]);
    CHECK_EQ(procs_now(), procs_before);

    long now = memfree_back(mem_before, 48 * 1024);
    if (now < mem_before - 48 * 1024)
        FAIL("MemFree %ld kB before, %ld kB after %d threads exited", mem_before, now, got[0]);
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, nothing, NULL));
    CHECK_PT(pthread_join(t, NULL));
    write_proc_long(threads_max, old_threads_max);
    write_proc_long(map_count, old_map_count);
    PASS();
}
