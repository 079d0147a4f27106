/* vhangup(2) needs CAP_SYS_TTY_CONFIG (EPERM without it: after dropping
 * it with capset, or as another user); with it, a caller that has no
 * controlling terminal (a new session) gets 0 and nothing happens.
 *
 * weft-only: on a development host the caller's session may have a
 * terminal, and root's vhangup would hang it up. Checked on Linux 6.1 in
 * QEMU. */
#include "t.h"

#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP_SYS_TTY_CONFIG 26
#define LINUX_CAPABILITY_VERSION_3 0x20080522

struct cap_header {
    uint32_t version;
    int pid;
};
struct cap_data {
    uint32_t effective, permitted, inheritable;
};

static void run_in_child(void (*body)(void)) {
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        body();
        exit(0);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void with_capability(void) {
    CHECK_OK(setsid());
    CHECK_EQ(syscall(SYS_vhangup), 0);
}

static void capability_dropped(void) {
    CHECK_OK(setsid());
    struct cap_header h = {LINUX_CAPABILITY_VERSION_3, 0};
    struct cap_data d[2];
    CHECK_OK(syscall(SYS_capget, &h, d));
    d[0].effective &= ~(1u << CAP_SYS_TTY_CONFIG);
    CHECK_OK(syscall(SYS_capset, &h, d));
    CHECK_ERR(syscall(SYS_vhangup), EPERM);
}

static void other_user(void) {
    CHECK_OK(setsid());
    CHECK_OK(setuid(65534));
    CHECK_ERR(syscall(SYS_vhangup), EPERM);
}

int main(void) {
    run_in_child(with_capability);
    run_in_child(capability_dropped);
    run_in_child(other_user);
    PASS();
}
