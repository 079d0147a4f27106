/* A forked child shares its parent's epoll instance (one open file): an fd
 * the child adds is in the parent's interest list too. */
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

int main(void)
{
    int ep = epoll_create1(0), p[2];
    CHECK_OK(ep);
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 42};
        _exit(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0 ? 0 : 1);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(write(p[1], "x", 1), 1);
    struct epoll_event out[1];
    CHECK_EQ(epoll_wait(ep, out, 1, 0), 1);
    CHECK_EQ(out[0].data.u32, 42);
    PASS();
}
