/* WEFT-ONLY: changes fs.file-max and credentials (runs in QEMU, on weft
 * or Linux).
 *
 * fs.file-max bounds the open files of the whole system: with it set to
 * the count of fs/file-nr plus 100, a process of an ordinary
 * user gets ENFILE from open, pipe, socket, eventfd and epoll_create once
 * the system holds that many, while root is exempt and may open more
 * (Linux's alloc_empty_file; root has CAP_SYS_ADMIN). Linux's file-nr is
 * a per-CPU counter read without summing, off by up to 32 per CPU, so the
 * count of opens before ENFILE is only bounded. */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"
#include "sysstate.h"

int main(void)
{
    const char *max_path = "/proc/sys/fs/file-max";
    long old_max = read_proc_long(max_path);
    CHECK(old_max >= 8192);
    CHECK(read_proc_long("/proc/sys/fs/file-nr") >= 0);

    int report[2];
    CHECK_OK(pipe(report));
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        close(report[0]);
        struct rlimit rl = {4096, 4096};
        CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
        write_proc_long(max_path, read_proc_long("/proc/sys/fs/file-nr") + 100);
        CHECK_OK(setuid(65534));
        int opened = 0, fd;
        while ((fd = open("/dev/null", O_RDONLY)) >= 0)
            opened++;
        int out[7] = {opened, errno, 0, 0, 0, 0, 0};
        int p[2], sv[2];
        out[2] = pipe(p) < 0 ? errno : 0;
        out[3] = socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ? errno : 0;
        out[4] = eventfd(0, 0) < 0 ? errno : 0;
        out[5] = epoll_create1(0) < 0 ? errno : 0;
        /* dup makes no new open file: no ENFILE. */
        out[6] = dup(0) < 0 ? errno : 0;
        (void)!write(report[1], out, sizeof out);
        _exit(0);
    }
    close(report[1]);
    int got[7];
    CHECK_EQ(read(report[0], got, sizeof got), (long)sizeof got);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (got[0] < 1 || got[0] > 300)
        FAIL("%d opens before the limit, want about 100", got[0]);
    CHECK_EQ(got[1], ENFILE);
    CHECK_EQ(got[2], ENFILE);
    CHECK_EQ(got[3], ENFILE);
    CHECK_EQ(got[4], ENFILE);
    CHECK_EQ(got[5], ENFILE);
    CHECK_EQ(got[6], 0);

    /* Root passes the limit. */
    write_proc_long(max_path, read_proc_long("/proc/sys/fs/file-nr"));
    int fds[20];
    for (int i = 0; i < 20; i++) {
        fds[i] = open("/dev/null", O_RDONLY);
        CHECK(fds[i] >= 0);
    }
    for (int i = 0; i < 20; i++)
        close(fds[i]);
    write_proc_long(max_path, old_max);
    CHECK_EQ(read_proc_long(max_path), old_max);
    PASS();
}
