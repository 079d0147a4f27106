/* Writing to a pipe with no reader raises SIGPIPE (default: the process
 * dies by it); with SIGPIPE ignored the write fails with EPIPE instead. */
#include "st.h"

int main(void)
{
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(close(fds[0]));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        write(fds[1], "x", 1);
        _exit(1);
    }
    CHECK_KILLED_BY(wait_for(pid), SIGPIPE);
    on_signal(SIGPIPE, SIG_IGN, 0);
    CHECK_ERR(write(fds[1], "x", 1), EPIPE);
    PASS();
}
