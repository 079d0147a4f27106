/* testinit: PID 1 for test boots. Mounts what the tests may use, runs
 * /sbin/testrunner with this program's arguments, prints the runner's
 * status, and powers the machine off (so QEMU exits).
 *
 *     init=/sbin/testinit -- -t 60 basic threads
 *
 * With `--exec PROGRAM ARGS...` it runs that program instead of the runner
 * (`cargo xtask fuzz` runs /sbin/fuzz so).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    mount("proc", "/proc", "proc", 0, NULL);
    /* Both tmpfs mounts take Linux's default bound: half of RAM. */
    mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
    mkdir("/dev/shm", 01777);
    mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");
    /* Where Linux distributions mount the POSIX message queues. */
    mkdir("/dev/mqueue", 01777);
    mount("none", "/dev/mqueue", "mqueue", 0, NULL);
    setenv("PATH", "/bin:/sbin:/tests", 1);
    /* Tests run in a writable directory that is not "/". */
    if (chdir("/tmp") != 0)
        perror("testinit: chdir /tmp");
    pid_t pid = fork();
    if (pid == 0) {
        char **args = argv;
        if (argc > 2 && strcmp(argv[1], "--exec") == 0)
            args = argv + 2;
        else
            args[0] = "/sbin/testrunner";
        execv(args[0], args);
        fprintf(stderr, "testinit: exec %s: %m\n", args[0]);
        _exit(127);
    }
    int status = 0;
    /* Reap everything until the runner itself ends. */
    for (;;) {
        pid_t done = wait(&status);
        if (done == pid || done < 0)
            break;
    }
    printf("TESTINIT runner status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}
