/* A transfer that would take hours — sendfile of 1 TiB from /dev/zero to
 * /dev/null, or from an eventfd to itself — still ends at a signal: the
 * child's alarm(1) kills it within a second or two, and the CPU is shared
 * meanwhile (Linux checks for signals between pages; an eventfd source is
 * EINVAL there, and Linux may return a short count). weft once looped in the kernel until its watchdog fired. */
#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

static void run_child(int out, int in)
{
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        alarm(1);
        long n = sendfile(out, in, NULL, 1L << 40);
        _exit(n >= 0 || errno == EINVAL ? 0 : 3);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    if (WIFEXITED(st))
        CHECK_EQ(WEXITSTATUS(st), 0);
    else
        CHECK_EQ(WTERMSIG(st), SIGALRM);
}

int main(void)
{
    int zero = open("/dev/zero", O_RDONLY);
    int null = open("/dev/null", O_WRONLY);
    CHECK_OK(zero);
    CHECK_OK(null);
    run_child(null, zero);
    int efd = eventfd(1, 0);
    CHECK_OK(efd);
    run_child(efd, efd);
    PASS();
}
