/* The state letter of /proc/<pid>/stat: a child stopped by SIGSTOP is 'T'
 * (and "T (stopped)" in status), an exited child not yet reaped is 'Z'
 * with its name kept, and once reaped its directory is gone (ENOENT). */
#include "t.h"
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char state_of(pid_t pid, char *comm, size_t len) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    CHECK(fgets(buf, sizeof buf, f) != NULL);
    fclose(f);
    char *open = strchr(buf, '('), *close = strrchr(buf, ')');
    CHECK(open && close);
    snprintf(comm, len, "%.*s", (int)(close - open - 1), open + 1);
    return close[2];
}

int main(void) {
    char comm[32];
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        for (;;)
            pause();
    }
    CHECK_OK(kill(child, SIGSTOP));
    int status;
    CHECK_EQ(waitpid(child, &status, WUNTRACED), child);
    CHECK(WIFSTOPPED(status));
    CHECK_EQ(state_of(child, comm, sizeof comm), 'T');

    CHECK_OK(kill(child, SIGKILL));
    /* Wait for the zombie without reaping it. */
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK_OK(waitid(P_PID, child, &info, WEXITED | WNOWAIT));
    CHECK_EQ(state_of(child, comm, sizeof comm), 'Z');
    CHECK(strncmp(comm, "stat_state_zomb", 15) == 0);

    CHECK_EQ(waitpid(child, &status, 0), child);
    char path[64];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d", child);
    CHECK_ERR(stat(path, &st), ENOENT);
    PASS();
}
