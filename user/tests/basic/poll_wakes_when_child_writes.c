/* A poll blocked on an empty pipe wakes when another process writes to it,
 * well before its long timeout. */
#include "t.h"
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec d = {0, 20 * 1000 * 1000};
        nanosleep(&d, NULL);
        write(p[1], "w", 1);
        _exit(0);
    }
    struct pollfd f = {p[0], POLLIN, 0};
    CHECK_EQ(poll(&f, 1, 10000), 1);
    CHECK(f.revents & POLLIN);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    PASS();
}
