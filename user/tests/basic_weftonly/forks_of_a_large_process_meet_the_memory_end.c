/* WEFT-ONLY: fills memory with page tables (runs in QEMU, on weft or Linux).
 *
 * A process with 192 MiB of touched memory forks children that only wait,
 * until fork fails. Each child shares the pages copy-on-write but needs
 * its own page tables (about 400 KiB), so memory ends after a couple of
 * thousand forks. The kernel must carry on: fork fails with ENOMEM (or
 * EAGAIN at a process limit), or the OOM killer takes the large process
 * (Linux, which counts the shared pages in every child's size, does that).
 * On weft fork must say so before the OOM killer has to act: no child
 * has been killed when it fails, as the kernel keeps a reserve for its own
 * structures and a fork's page tables may not eat it. After the group is
 * killed and reaped, MemFree comes back and a fork works.
 * Before this test, weft's fork copied page tables into kernel memory
 * without asking whether any was left, and its copy grew a list of pages
 * infallibly: the kernel panicked ("memory allocation ... failed"). */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "sysstate.h"

#define LARGE_BYTES (192L << 20)

/* What the large process tells the test when fork fails. */
struct outcome {
    int err;
    long forks;
    long children_killed;
};

/* The large process: touches its memory, then forks waiting children
 * until fork fails, and reports how on `report`. */
static void large_process(int report)
{
    char *p = mmap(NULL, LARGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        _exit(3);
    for (long i = 0; i < LARGE_BYTES; i += 4096)
        p[i] = 1;
    struct outcome out = { 0, 0, 0 };
    for (;;) {
        pid_t c = fork();
        if (c == 0) {
            for (;;)
                pause();
        }
        if (c < 0)
            break;
        out.forks++;
    }
    out.err = errno;
    int st;
    while (waitpid(-1, &st, WNOHANG) > 0)
        out.children_killed++;
    (void)!write(report, &out, sizeof out);
    for (;;)
        pause();
}

int main(void)
{
    int procs_before = procs_now();
    long mem_before = memfree_kb();
    CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
    int report[2];
    CHECK_OK(pipe2(report, O_NONBLOCK));
    pid_t large = fork();
    CHECK_OK(large);
    if (large == 0) {
        setpgid(0, 0);
        close(report[0]);
        large_process(report[1]);
    }
    setpgid(large, large);
    close(report[1]);

    /* Wait for the failed fork, or for the large process to be killed. */
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct outcome out = { 0, 0, 0 };
    int large_status = -1;
    for (;;) {
        if (read(report[0], &out, sizeof out) == sizeof out)
            break;
        if (waitpid(large, &large_status, WNOHANG) == large)
            break;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 100)
            FAIL("memory did not run out within 100 s (%d processes)", procs_now());
        usleep(20000);
    }
    close(report[0]);
    int peak = procs_now();
    if (large_status != -1) {
        if (!WIFSIGNALED(large_status) || WTERMSIG(large_status) != SIGKILL)
            FAIL("the large process ended with status %#x, want a SIGKILL from the OOM killer", large_status);
        printf("the OOM killer took the large process at %d processes\n", peak);
    } else {
        if (out.err != ENOMEM && out.err != EAGAIN)
            FAIL("fork failed with errno %d, want ENOMEM or EAGAIN", out.err);
        printf("fork failed with %s after %ld forks; %ld children killed\n", out.err == ENOMEM ? "ENOMEM" : "EAGAIN",
               out.forks, out.children_killed);
        CHECK_EQ(out.children_killed, 0);
    }
    CHECK(peak - procs_before >= 100);

    /* Kill the group until nobody is left to reap; orphans come to us. */
    long reaped = (large_status != -1) + kill_group_and_reap_all(large);
    CHECK_EQ(procs_now(), procs_before);
    long now = memfree_back(mem_before, 48 * 1024);
    if (now < mem_before - 48 * 1024)
        FAIL("MemFree %ld kB before, %ld kB after %ld processes were reaped", mem_before, now, reaped);

    pid_t after = fork();
    CHECK_OK(after);
    if (after == 0)
        _exit(7);
    int st;
    CHECK_EQ(waitpid(after, &st, 0), after);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    PASS();
}
