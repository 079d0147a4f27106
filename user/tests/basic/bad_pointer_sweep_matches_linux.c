/* Issue 17's bad-pointer sweep: every implemented system call with a
 * pointer argument, given four bad values for that one pointer, returns
 * the errno Linux returns (mostly EFAULT; sometimes EINVAL, ENOMEM or
 * success, where Linux reads nothing through the pointer).
 *
 * The four values (`kind`):
 *   null      NULL
 *   kernel    0xffff800000000000, the first kernel-half address
 *   last      0x7fffffffffff, the last byte of the canonical lower half.
 *             It lies above TASK_SIZE (0x7ffffffff000), so it is unmapped
 *             on both kernels. (0x7fffffffefff, the last byte below
 *             TASK_SIZE, is the top of weft's stack, so it is not used.)
 *   unmapped  a page at 0x100000000000 that was mapped and then unmapped,
 *             far from where either kernel places mmap, brk or the stack.
 *
 * Each case runs in its own forked child, which builds its own fixtures
 * (/dev/null, a non-blocking pipe holding 16 bytes, a file, a directory, an
 * AF_UNIX stream pair with 16 bytes queued, an epoll fd with the pipe
 * ready), so a case that kills its process or hangs (alarm, 2 s) is
 * recorded as "sig N" and nothing leaks into the next case. The other
 * arguments are valid so the pointer is what is tested, and nothing blocks.
 * Calls are made with a raw `syscall` instruction: no libc in between.
 *
 *   bad_pointer_sweep_matches_linux --record   prints the table lines
 *   bad_pointer_sweep_matches_linux            compares with Linux's table
 *
 * The expected table, bad_pointer_sweep_linux.h, was recorded on Debian's
 * Linux 6.1 in QEMU by tools/record_bad_pointer_sweep.sh.
 *
 * Not swept, because success with a bad pointer would be destructive or
 * non-deterministic: reboot; mount (a NULL source is valid and would mount
 * over the test's tree); settimeofday, clock_settime (change the clock);
 * capset, setuid-family (credentials); arch_prctl ARCH_SET_FS/GS (an
 * address, not a pointer the kernel reads; it breaks the child's TLS).
 * execve with a NULL argv or envp succeeds on Linux: the new image sees
 * WEFT_SWEEP_EXEC_CHILD or --exec-child and exits 0 at once ("ok").
 * Not swept because the answer depends on the console: tty ioctls; nor
 * syslog, whose answer depends on whether the kernel log is empty.
 * Not swept because weft does not implement them (ENOSYS): utime, utimes,
 * futimesat, sched_setparam, sched_rr_get_interval, mlock2, getdents (old),
 * io_uring, etc. rt_sigreturn reads a frame, not an argument: not swept.
 */
#include "t.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

#define KERNEL_ADDR 0xffff800000000000UL
#define LAST_ADDR 0x00007fffffffffffUL
#define UNMAPPED_HINT 0x100000000000UL

static long sc6(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define SC_(n, a, b, c, d, e, f, ...) \
    sc6((long)(n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define SC(...) SC_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

/* The test's scratch tree: D/f (64 bytes), D/l -> f. */
static char dir_path[64], file_path[80], link_path[80];
static const char *self_path;

/* Fixtures, built fresh in each case's child. */
static struct {
    int null, pipe_r, pipe_w, file, dir, s0, s1, ep;
    char newname[96];
} fx;

static char gb[16384] __attribute__((aligned(4096)));
#define V ((long)gb)

static int setup(void)
{
    int p[2], sv[2];
    fx.null = open("/dev/null", O_RDWR);
    if (fx.null < 0 || pipe2(p, O_NONBLOCK) != 0 || write(p[1], "0123456789abcdef", 16) != 16)
        return -1;
    fx.pipe_r = p[0];
    fx.pipe_w = p[1];
    fx.file = open(file_path, O_RDWR);
    fx.dir = open(dir_path, O_RDONLY | O_DIRECTORY);
    if (fx.file < 0 || fx.dir < 0)
        return -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0 ||
        write(sv[1], "0123456789abcdef", 16) != 16)
        return -1;
    fx.s0 = sv[0];
    fx.s1 = sv[1];
    fx.ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN};
    if (fx.ep < 0 || epoll_ctl(fx.ep, EPOLL_CTL_ADD, fx.pipe_r, &ev) != 0)
        return -1;
    snprintf(fx.newname, sizeof fx.newname, "%s/n%d", dir_path, getpid());
    return 0;
}

/* Helpers for cases that need more than one call. */

static long iov1(long base)
{
    static struct iovec iov;
    iov.iov_base = (void *)base;
    iov.iov_len = 16;
    return (long)&iov;
}

static long zero_ts(void)
{
    static struct timespec ts;
    return (long)&ts;
}

static long sigset_usr1(void)
{
    static unsigned long set = 1UL << (SIGUSR1 - 1);
    return (long)&set;
}

/* SIGUSR1 blocked and pending, so sigtimedwait returns at once. */
static void pend_usr1(void)
{
    SC(SYS_rt_sigprocmask, SIG_BLOCK, sigset_usr1(), 0, 8);
    SC(SYS_kill, getpid(), SIGUSR1);
}

static long sigtimedwait_case(long set, long info, long tmo)
{
    pend_usr1();
    return SC(SYS_rt_sigtimedwait, set, info, tmo, 8);
}

static long zombie(void)
{
    long pid = SC(SYS_fork);
    if (pid == 0)
        SC(SYS_exit, 0);
    return pid;
}

static long wait4_case(long status, long rusage)
{
    return SC(SYS_wait4, zombie(), status, 0, rusage);
}

static long waitid_case(long info, long rusage)
{
    return SC(SYS_waitid, P_PID, zombie(), info, WEXITED, rusage);
}

static long clone_case(long ptid)
{
    long r = SC(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, ptid, 0, 0);
    if (r == 0)
        SC(SYS_exit, 0);
    return r;
}

static long timer_id(void)
{
    static int id;
    if (SC(SYS_timer_create, CLOCK_MONOTONIC, 0, &id) != 0)
        return -1000;
    return id;
}

static long timerfd(void)
{
    return SC(SYS_timerfd_create, CLOCK_MONOTONIC, 0);
}

static long pidfd_self(void)
{
    return SC(SYS_pidfd_open, getpid(), 0);
}

static long unix_sock(void)
{
    return SC(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
}

static long sun_addr(void)
{
    static struct sockaddr_un sun;
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s/s%d", dir_path, getpid());
    return (long)&sun;
}

/* A listening socket with one connection waiting. */
static long listener(void)
{
    long l = unix_sock(), c = unix_sock();
    if (SC(SYS_bind, l, sun_addr(), sizeof(struct sockaddr_un)) != 0 || SC(SYS_listen, l, 4) != 0 ||
        SC(SYS_connect, c, sun_addr(), sizeof(struct sockaddr_un)) != 0)
        return -1000;
    return l;
}

static long accept_case(long nr, long addr, long lenp)
{
    static socklen_t len = sizeof(struct sockaddr_un);
    long l = listener();
    if (lenp == 1)
        lenp = (long)&len;
    return SC(nr, l, addr, lenp, 0);
}

static long sockname_case(long nr, long addr, long lenp)
{
    static socklen_t len = sizeof(struct sockaddr_un);
    if (lenp == 1)
        lenp = (long)&len;
    return SC(nr, fx.s0, addr, lenp);
}

static long recvfrom_case(long buf, long addr, long lenp)
{
    static socklen_t len = sizeof(struct sockaddr_un);
    if (lenp == 1)
        lenp = (long)&len;
    return SC(SYS_recvfrom, fx.s0, buf, 16, MSG_DONTWAIT, addr, lenp);
}

/* which: 0 msghdr, 1 iov array, 2 iov_base, 3 control */
static long msg_case(long nr, int which, long p)
{
    static struct msghdr m;
    static struct iovec iov;
    iov.iov_base = gb;
    iov.iov_len = 16;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (which == 1)
        m.msg_iov = (void *)p;
    if (which == 2)
        iov.iov_base = (void *)p;
    if (which == 3) {
        m.msg_control = (void *)p;
        m.msg_controllen = CMSG_SPACE(sizeof(int));
    }
    return SC(nr, fx.s0, which == 0 ? p : (long)&m, MSG_DONTWAIT);
}

static long execve_case(int which, long p)
{
    static char *argv[3], *envp[2];
    argv[0] = (char *)self_path;
    argv[1] = "--exec-child";
    envp[0] = "WEFT_SWEEP_EXEC_CHILD=1";
    if (which == 0)
        return SC(SYS_execve, p, argv, envp);
    if (which == 1)
        return SC(SYS_execve, self_path, p, envp);
    return SC(SYS_execve, self_path, argv, p);
}

static long getgroups_case(long p)
{
    static gid_t g = 0;
    SC(SYS_setgroups, 1, &g);
    return SC(SYS_getgroups, 4, p);
}

static long capget_case(long hdr, long data)
{
    static struct {
        unsigned version;
        int pid;
    } h = {0x20080522, 0};
    if (hdr == 1)
        hdr = (long)&h;
    return SC(SYS_capget, hdr, data);
}

static long futex_word(void)
{
    static int w;
    return (long)&w;
}

static long pselect_case(long rfds, long tmo, long sigarg)
{
    static unsigned long set;
    set = 1UL << fx.pipe_r;
    if (rfds == 1)
        rfds = (long)&set;
    return SC(SYS_pselect6, fx.pipe_r + 1, rfds, 0, 0, tmo, sigarg);
}

static long select_case(long rfds, long tmo)
{
    static unsigned long set;
    set = 1UL << fx.pipe_r;
    if (rfds == 1)
        rfds = (long)&set;
    return SC(SYS_select, fx.pipe_r + 1, rfds, 0, 0, tmo);
}

static long pollfd(void)
{
    static struct {
        int fd;
        short events, revents;
    } p;
    p.fd = fx.pipe_r;
    p.events = POLLIN;
    return (long)&p;
}

static long rlimit_nofile(void)
{
    static struct {
        unsigned long cur, max;
    } r = {64, 64};
    return (long)&r;
}

static long itimer_zero(void)
{
    static struct {
        long v[4];
    } it;
    return (long)&it;
}

static long int_4(void)
{
    static int four = 4;
    return (long)&four;
}

static long valid_page(void)
{
    gb[0] = 1;
    return V;
}

#define MSGH_BAD 0
#define IOV_BAD 1
#define BASE_BAD 2
#define CTRL_BAD 3

/* X(name, argument, expression using the bad pointer p). */
#define CASES(X)                                                                       \
    /* Paths and stat buffers. */                                                      \
    X(open, path, SC(SYS_open, p, O_RDONLY))                                           \
    X(open_creat, path, SC(SYS_open, p, O_CREAT | O_WRONLY, 0600))                     \
    X(openat, path, SC(SYS_openat, AT_FDCWD, p, O_RDONLY))                             \
    X(creat, path, SC(SYS_creat, p, 0600))                                             \
    X(stat, path, SC(SYS_stat, p, V))                                                  \
    X(stat, buf, SC(SYS_stat, file_path, p))                                           \
    X(lstat, path, SC(SYS_lstat, p, V))                                                \
    X(lstat, buf, SC(SYS_lstat, link_path, p))                                         \
    X(newfstatat, path, SC(SYS_newfstatat, AT_FDCWD, p, V, 0))                         \
    X(newfstatat, buf, SC(SYS_newfstatat, AT_FDCWD, file_path, p, 0))                  \
    X(statx, path, SC(SYS_statx, AT_FDCWD, p, 0, 0x7ff, V))                            \
    X(statx, buf, SC(SYS_statx, AT_FDCWD, file_path, 0, 0x7ff, p))                     \
    X(fstat, buf, SC(SYS_fstat, fx.file, p))                                           \
    X(statfs, path, SC(SYS_statfs, p, V))                                              \
    X(statfs, buf, SC(SYS_statfs, file_path, p))                                       \
    X(fstatfs, buf, SC(SYS_fstatfs, fx.file, p))                                       \
    X(access, path, SC(SYS_access, p, F_OK))                                           \
    X(faccessat, path, SC(SYS_faccessat, AT_FDCWD, p, F_OK))                           \
    X(faccessat2, path, SC(SYS_faccessat2, AT_FDCWD, p, F_OK, 0))                      \
    X(readlink, path, SC(SYS_readlink, p, V, 64))                                      \
    X(readlink, buf, SC(SYS_readlink, link_path, p, 64))                               \
    X(readlinkat, path, SC(SYS_readlinkat, AT_FDCWD, p, V, 64))                        \
    X(readlinkat, buf, SC(SYS_readlinkat, AT_FDCWD, link_path, p, 64))                 \
    X(chdir, path, SC(SYS_chdir, p))                                                   \
    X(chroot, path, SC(SYS_chroot, p))                                                 \
    X(mkdir, path, SC(SYS_mkdir, p, 0700))                                             \
    X(mkdirat, path, SC(SYS_mkdirat, AT_FDCWD, p, 0700))                               \
    X(mknod, path, SC(SYS_mknod, p, S_IFIFO | 0600, 0))                                \
    X(mknodat, path, SC(SYS_mknodat, AT_FDCWD, p, S_IFIFO | 0600, 0))                  \
    X(rmdir, path, SC(SYS_rmdir, p))                                                   \
    X(unlink, path, SC(SYS_unlink, p))                                                 \
    X(unlinkat, path, SC(SYS_unlinkat, AT_FDCWD, p, 0))                                \
    X(rename, old, SC(SYS_rename, p, fx.newname))                                      \
    X(rename, new, SC(SYS_rename, file_path, p))                                       \
    X(renameat, old, SC(SYS_renameat, AT_FDCWD, p, AT_FDCWD, fx.newname))              \
    X(renameat, new, SC(SYS_renameat, AT_FDCWD, file_path, AT_FDCWD, p))               \
    X(renameat2, old, SC(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, fx.newname, 0))         \
    X(renameat2, new, SC(SYS_renameat2, AT_FDCWD, file_path, AT_FDCWD, p, 0))          \
    X(link, old, SC(SYS_link, p, fx.newname))                                          \
    X(link, new, SC(SYS_link, file_path, p))                                           \
    X(linkat, old, SC(SYS_linkat, AT_FDCWD, p, AT_FDCWD, fx.newname, 0))               \
    X(linkat, new, SC(SYS_linkat, AT_FDCWD, file_path, AT_FDCWD, p, 0))                \
    X(symlink, target, SC(SYS_symlink, p, fx.newname))                                 \
    X(symlink, path, SC(SYS_symlink, "x", p))                                          \
    X(symlinkat, target, SC(SYS_symlinkat, p, AT_FDCWD, fx.newname))                   \
    X(symlinkat, path, SC(SYS_symlinkat, "x", AT_FDCWD, p))                            \
    X(truncate, path, SC(SYS_truncate, p, 64))                                         \
    X(chmod, path, SC(SYS_chmod, p, 0644))                                             \
    X(fchmodat, path, SC(SYS_fchmodat, AT_FDCWD, p, 0644))                             \
    X(chown, path, SC(SYS_chown, p, 0, 0))                                             \
    X(lchown, path, SC(SYS_lchown, p, 0, 0))                                           \
    X(fchownat, path, SC(SYS_fchownat, AT_FDCWD, p, 0, 0, 0))                          \
    X(utimensat, path, SC(SYS_utimensat, AT_FDCWD, p, 0, 0))                           \
    X(utimensat, times, SC(SYS_utimensat, AT_FDCWD, file_path, p, 0))                  \
    X(getcwd, buf, SC(SYS_getcwd, p, 4096))                                            \
    X(umount2, target, SC(SYS_umount2, p, 0))                                          \
    X(memfd_create, name, SC(SYS_memfd_create, p, 0))                                  \
    /* Data transfer. */                                                               \
    X(getdents64, buf, SC(SYS_getdents64, fx.dir, p, 4096))                            \
    X(read_pipe, buf, SC(SYS_read, fx.pipe_r, p, 16))                                  \
    X(read_file, buf, SC(SYS_read, fx.file, p, 16))                                    \
    X(read_devnull, buf, SC(SYS_read, fx.null, p, 16))                                 \
    X(write_pipe, buf, SC(SYS_write, fx.pipe_w, p, 16))                                \
    X(write_file, buf, SC(SYS_write, fx.file, p, 16))                                  \
    X(write_devnull, buf, SC(SYS_write, fx.null, p, 16))                               \
    X(pread64, buf, SC(SYS_pread64, fx.file, p, 16, 0))                                \
    X(pwrite64, buf, SC(SYS_pwrite64, fx.file, p, 16, 0))                              \
    X(readv, iov, SC(SYS_readv, fx.pipe_r, p, 1))                                      \
    X(readv, iov_base, SC(SYS_readv, fx.pipe_r, iov1(p), 1))                           \
    X(writev, iov, SC(SYS_writev, fx.pipe_w, p, 1))                                    \
    X(writev, iov_base, SC(SYS_writev, fx.pipe_w, iov1(p), 1))                         \
    X(preadv, iov, SC(SYS_preadv, fx.file, p, 1, 0, 0))                                \
    X(preadv, iov_base, SC(SYS_preadv, fx.file, iov1(p), 1, 0, 0))                     \
    X(pwritev, iov, SC(SYS_pwritev, fx.file, p, 1, 0, 0))                              \
    X(pwritev, iov_base, SC(SYS_pwritev, fx.file, iov1(p), 1, 0, 0))                   \
    X(sendfile, offset, SC(SYS_sendfile, fx.null, fx.file, p, 16))                     \
    X(fcntl_getlk, lock, SC(SYS_fcntl, fx.file, F_GETLK, p))                           \
    X(fcntl_setlk, lock, SC(SYS_fcntl, fx.file, F_SETLK, p))                           \
    X(ioctl_fionread, arg, SC(SYS_ioctl, fx.pipe_r, FIONREAD, p))                      \
    X(ioctl_fionread_sock, arg, SC(SYS_ioctl, fx.s0, FIONREAD, p))                     \
    X(ioctl_fionbio, arg, SC(SYS_ioctl, fx.pipe_r, FIONBIO, p))                        \
    /* Memory. */                                                                      \
    X(mincore, vec, SC(SYS_mincore, valid_page(), 4096, p))                            \
    X(mincore, addr, SC(SYS_mincore, p, 4096, V))                                      \
    X(mlock, addr, SC(SYS_mlock, p, 4096))                                             \
    X(munlock, addr, SC(SYS_munlock, p, 4096))                                         \
    X(msync, addr, SC(SYS_msync, p, 4096, MS_SYNC))                                    \
    X(madvise, addr, SC(SYS_madvise, p, 4096, MADV_DONTNEED))                          \
    X(mprotect, addr, SC(SYS_mprotect, p, 4096, PROT_READ))                            \
    X(munmap, addr, SC(SYS_munmap, p, 4096))                                           \
    X(mremap, addr, SC(SYS_mremap, p, 4096, 4096, 0))                                  \
    /* Time. */                                                                        \
    X(clock_gettime, tp, SC(SYS_clock_gettime, CLOCK_MONOTONIC, p))                    \
    X(clock_getres, res, SC(SYS_clock_getres, CLOCK_MONOTONIC, p))                     \
    X(gettimeofday, tv, SC(SYS_gettimeofday, p, 0))                                    \
    X(gettimeofday, tz, SC(SYS_gettimeofday, V, p))                                    \
    X(time, tloc, SC(SYS_time, p))                                                     \
    X(times, buf, SC(SYS_times, p))                                                    \
    X(nanosleep, req, SC(SYS_nanosleep, p, 0))                                         \
    X(nanosleep, rem, SC(SYS_nanosleep, zero_ts(), p))                                 \
    X(clock_nanosleep, req, SC(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, p, 0))         \
    X(clock_nanosleep, rem, SC(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, zero_ts(), p)) \
    X(getitimer, value, SC(SYS_getitimer, ITIMER_VIRTUAL, p))                          \
    X(setitimer, new, SC(SYS_setitimer, ITIMER_VIRTUAL, p, 0))                         \
    X(setitimer, old, SC(SYS_setitimer, ITIMER_VIRTUAL, itimer_zero(), p))             \
    X(getrusage, usage, SC(SYS_getrusage, RUSAGE_SELF, p))                             \
    X(timer_create, sevp, SC(SYS_timer_create, CLOCK_MONOTONIC, p, V))                 \
    X(timer_create, timerid, SC(SYS_timer_create, CLOCK_MONOTONIC, 0, p))              \
    X(timer_settime, new, SC(SYS_timer_settime, timer_id(), 0, p, 0))                  \
    X(timer_settime, old, SC(SYS_timer_settime, timer_id(), 0, itimer_zero(), p))      \
    X(timer_gettime, value, SC(SYS_timer_gettime, timer_id(), p))                      \
    X(timerfd_settime, new, SC(SYS_timerfd_settime, timerfd(), 0, p, 0))               \
    X(timerfd_settime, old, SC(SYS_timerfd_settime, timerfd(), 0, itimer_zero(), p))   \
    X(timerfd_gettime, value, SC(SYS_timerfd_gettime, timerfd(), p))                   \
    /* Signals. */                                                                     \
    X(rt_sigaction, act, SC(SYS_rt_sigaction, SIGUSR1, p, 0, 8))                       \
    X(rt_sigaction, oact, SC(SYS_rt_sigaction, SIGUSR1, 0, p, 8))                      \
    X(rt_sigprocmask, set, SC(SYS_rt_sigprocmask, SIG_BLOCK, p, 0, 8))                 \
    X(rt_sigprocmask, oset, SC(SYS_rt_sigprocmask, SIG_BLOCK, 0, p, 8))                \
    X(rt_sigpending, set, SC(SYS_rt_sigpending, p, 8))                                 \
    X(rt_sigsuspend, mask, SC(SYS_rt_sigsuspend, p, 8))                                \
    X(rt_sigtimedwait, set, sigtimedwait_case(p, 0, zero_ts()))                        \
    X(rt_sigtimedwait, info, sigtimedwait_case(sigset_usr1(), p, zero_ts()))           \
    X(rt_sigtimedwait, timeout, sigtimedwait_case(sigset_usr1(), 0, p))                \
    X(rt_sigqueueinfo, info, SC(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, p))            \
    X(rt_tgsigqueueinfo, info, SC(SYS_rt_tgsigqueueinfo, getpid(), getpid(), SIGUSR1, p)) \
    X(sigaltstack, ss, SC(SYS_sigaltstack, p, 0))                                      \
    X(sigaltstack, oss, SC(SYS_sigaltstack, 0, p))                                     \
    X(signalfd, mask, SC(SYS_signalfd, -1, p, 8))                                      \
    X(signalfd4, mask, SC(SYS_signalfd4, -1, p, 8, 0))                                 \
    X(pidfd_send_signal, info, SC(SYS_pidfd_send_signal, pidfd_self(), 0, p, 0))       \
    /* Processes. */                                                                   \
    X(wait4, status, wait4_case(p, 0))                                                 \
    X(wait4, rusage, wait4_case(0, p))                                                 \
    X(waitid, infop, waitid_case(p, 0))                                                \
    X(waitid, rusage, waitid_case(V, p))                                               \
    X(clone, parent_tid, clone_case(p))                                                \
    X(clone3, args, SC(SYS_clone3, p, 88))                                             \
    X(execve, path, execve_case(0, p))                                                 \
    X(execve, argv, execve_case(1, p))                                                 \
    X(execve, envp, execve_case(2, p))                                                 \
    X(execveat, path, SC(SYS_execveat, AT_FDCWD, p, 0, 0, 0))                          \
    X(getrlimit, rlim, SC(SYS_getrlimit, RLIMIT_NOFILE, p))                            \
    X(setrlimit, rlim, SC(SYS_setrlimit, RLIMIT_NOFILE, p))                            \
    X(prlimit64, new, SC(SYS_prlimit64, 0, RLIMIT_NOFILE, p, 0))                       \
    X(prlimit64, old, SC(SYS_prlimit64, 0, RLIMIT_NOFILE, rlimit_nofile(), p))         \
    X(uname, buf, SC(SYS_uname, p))                                                    \
    X(sysinfo, info, SC(SYS_sysinfo, p))                                               \
    X(getresuid, ruid, SC(SYS_getresuid, p, V, V + 8))                                 \
    X(getresuid, euid, SC(SYS_getresuid, V, p, V + 8))                                 \
    X(getresuid, suid, SC(SYS_getresuid, V, V + 4, p))                                 \
    X(getresgid, rgid, SC(SYS_getresgid, p, V, V + 8))                                 \
    X(getresgid, egid, SC(SYS_getresgid, V, p, V + 8))                                 \
    X(getresgid, sgid, SC(SYS_getresgid, V, V + 4, p))                                 \
    X(getgroups, list, getgroups_case(p))                                              \
    X(setgroups, list, SC(SYS_setgroups, 1, p))                                        \
    X(capget, hdr, capget_case(p, V))                                                  \
    X(capget, data, capget_case(1, p))                                                 \
    X(sched_getaffinity, mask, SC(SYS_sched_getaffinity, 0, 128, p))                   \
    X(sched_setaffinity, mask, SC(SYS_sched_setaffinity, 0, 128, p))                   \
    X(sched_getparam, param, SC(SYS_sched_getparam, 0, p))                             \
    X(sched_setscheduler, param, SC(SYS_sched_setscheduler, 0, 0, p))                  \
    X(sched_getattr, attr, SC(SYS_sched_getattr, 0, p, 48, 0))                         \
    X(sched_setattr, attr, SC(SYS_sched_setattr, 0, p, 0))                             \
    X(getcpu, cpu, SC(SYS_getcpu, p, 0, 0))                                            \
    X(getcpu, node, SC(SYS_getcpu, 0, p, 0))                                           \
    X(set_tid_address, tidptr, SC(SYS_set_tid_address, p))                             \
    X(set_robust_list, head, SC(SYS_set_robust_list, p, 24))                           \
    X(get_robust_list, head, SC(SYS_get_robust_list, 0, p, V))                         \
    X(get_robust_list, len, SC(SYS_get_robust_list, 0, V, p))                          \
    X(arch_prctl_get_fs, addr, SC(SYS_arch_prctl, 0x1003, p))                          \
    X(arch_prctl_get_gs, addr, SC(SYS_arch_prctl, 0x1004, p))                          \
    X(prctl_set_name, name, SC(SYS_prctl, 15, p))                                      \
    X(prctl_get_name, name, SC(SYS_prctl, 16, p))                                      \
    X(prctl_get_pdeathsig, sig, SC(SYS_prctl, 2, p))                                   \
    X(prctl_get_child_subreaper, val, SC(SYS_prctl, 37, p))                            \
    X(getrandom, buf, SC(SYS_getrandom, p, 16, 4))                                     \
    X(sethostname, name, SC(SYS_sethostname, p, 4))                                    \
    X(setdomainname, name, SC(SYS_setdomainname, p, 4))                                \
    X(futex_wait, uaddr, SC(SYS_futex, p, FUTEX_WAIT, 12345, 0))                       \
    X(futex_wait, timeout, SC(SYS_futex, futex_word(), FUTEX_WAIT, 1, p))              \
    X(futex_wake, uaddr, SC(SYS_futex, p, FUTEX_WAKE, 1))                              \
    X(futex_wake_private, uaddr, SC(SYS_futex, p, FUTEX_WAKE | 128, 1))                \
    /* File descriptors. */                                                            \
    X(pipe, fds, SC(SYS_pipe, p))                                                      \
    X(pipe2, fds, SC(SYS_pipe2, p, 0))                                                 \
    X(socketpair, sv, SC(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, p))                  \
    X(poll, fds, SC(SYS_poll, p, 1, 0))                                                \
    X(ppoll, fds, SC(SYS_ppoll, p, 1, zero_ts(), 0, 8))                                \
    X(ppoll, tmo, SC(SYS_ppoll, pollfd(), 1, p, 0, 8))                                 \
    X(ppoll, sigmask, SC(SYS_ppoll, pollfd(), 1, zero_ts(), p, 8))                     \
    X(select, readfds, select_case(p, zero_ts()))                                      \
    X(select, timeout, select_case(1, p))                                              \
    X(pselect6, readfds, pselect_case(p, zero_ts(), 0))                                \
    X(pselect6, timeout, pselect_case(1, p, 0))                                        \
    X(pselect6, sigarg, pselect_case(1, zero_ts(), p))                                 \
    X(epoll_ctl, event, SC(SYS_epoll_ctl, fx.ep, EPOLL_CTL_ADD, fx.s0, p))             \
    X(epoll_wait, events, SC(SYS_epoll_wait, fx.ep, p, 4, 0))                          \
    X(epoll_pwait, events, SC(SYS_epoll_pwait, fx.ep, p, 4, 0, 0, 8))                  \
    X(epoll_pwait, sigmask, SC(SYS_epoll_pwait, fx.ep, V, 4, 0, p, 8))                 \
    X(epoll_pwait2, events, SC(SYS_epoll_pwait2, fx.ep, p, 4, zero_ts(), 0, 8))        \
    X(epoll_pwait2, timeout, SC(SYS_epoll_pwait2, fx.ep, V, 4, p, 0, 8))               \
    /* AF_UNIX sockets. */                                                             \
    X(bind, addr, SC(SYS_bind, unix_sock(), p, sizeof(struct sockaddr_un)))            \
    X(connect, addr, SC(SYS_connect, unix_sock(), p, sizeof(struct sockaddr_un)))      \
    X(accept, addr, accept_case(SYS_accept, p, 1))                                     \
    X(accept, addrlen, accept_case(SYS_accept, V, p))                                  \
    X(accept4, addr, accept_case(SYS_accept4, p, 1))                                   \
    X(getsockname, addr, sockname_case(SYS_getsockname, p, 1))                         \
    X(getsockname, addrlen, sockname_case(SYS_getsockname, V, p))                      \
    X(getpeername, addr, sockname_case(SYS_getpeername, p, 1))                         \
    X(getpeername, addrlen, sockname_case(SYS_getpeername, V, p))                      \
    X(sendto, buf, SC(SYS_sendto, fx.s0, p, 16, MSG_DONTWAIT, 0, 0))                   \
    X(sendto, addr, SC(SYS_sendto, fx.s0, V, 16, MSG_DONTWAIT, p, sizeof(struct sockaddr_un))) \
    X(recvfrom, buf, recvfrom_case(p, 0, 0))                                           \
    X(recvfrom, addr, recvfrom_case(V, p, 1))                                          \
    X(recvfrom, addrlen, recvfrom_case(V, V + 256, p))                                 \
    X(sendmsg, msg, msg_case(SYS_sendmsg, MSGH_BAD, p))                                \
    X(sendmsg, iov, msg_case(SYS_sendmsg, IOV_BAD, p))                                 \
    X(sendmsg, iov_base, msg_case(SYS_sendmsg, BASE_BAD, p))                           \
    X(sendmsg, control, msg_case(SYS_sendmsg, CTRL_BAD, p))                            \
    X(recvmsg, msg, msg_case(SYS_recvmsg, MSGH_BAD, p))                                \
    X(recvmsg, iov, msg_case(SYS_recvmsg, IOV_BAD, p))                                 \
    X(recvmsg, iov_base, msg_case(SYS_recvmsg, BASE_BAD, p))                           \
    X(sendmmsg, vec, SC(SYS_sendmmsg, fx.s0, p, 1, MSG_DONTWAIT))                      \
    X(recvmmsg, vec, SC(SYS_recvmmsg, fx.s0, p, 1, MSG_DONTWAIT, 0))                   \
    X(setsockopt, optval, SC(SYS_setsockopt, fx.s0, SOL_SOCKET, SO_RCVBUF, p, 4))      \
    X(getsockopt, optval, SC(SYS_getsockopt, fx.s0, SOL_SOCKET, SO_TYPE, p, int_4()))        \
    X(getsockopt, optlen, SC(SYS_getsockopt, fx.s0, SOL_SOCKET, SO_TYPE, V + 64, p))

#define DEFINE(n, a, e)                  \
    static long c_##n##_##a(long p)      \
    {                                    \
        return (e);                      \
    }
CASES(DEFINE)

struct sweep_case {
    const char *name, *arg;
    long (*fn)(long);
};
#define ENTRY(n, a, e) {#n, #a, c_##n##_##a},
static const struct sweep_case cases[] = {CASES(ENTRY)};
#define NCASES (sizeof cases / sizeof cases[0])

static const char *const kinds[4] = {"null", "kernel", "last", "unmapped"};

struct expect {
    const char *name, *arg, *kind, *result;
};

/* Linux 6.1's answers. */
static const struct expect linux_expected[] = {
#include "bad_pointer_sweep_linux.h"
    {0, 0, 0, 0}};

/* Known differences: weft's answer, accepted beside Linux's, and why. */
static const struct expect weft_known[] = {
    {0, 0, 0, 0}};

static const char *errno_name(int e)
{
    static const struct {
        int e;
        const char *n;
    } names[] = {
#define N(x) {x, #x}
        N(EPERM), N(ENOENT), N(ESRCH), N(EINTR), N(EIO), N(ENXIO), N(E2BIG), N(ENOEXEC),
        N(EBADF), N(ECHILD), N(EAGAIN), N(ENOMEM), N(EACCES), N(EFAULT), N(EBUSY), N(EEXIST),
        N(EXDEV), N(ENODEV), N(ENOTDIR), N(EISDIR), N(EINVAL), N(ENFILE), N(EMFILE), N(ENOTTY),
        N(ETXTBSY), N(EFBIG), N(ENOSPC), N(ESPIPE), N(EROFS), N(EMLINK), N(EPIPE), N(ERANGE),
        N(ENAMETOOLONG), N(ENOSYS), N(ENOTEMPTY), N(ELOOP), N(ENOTSOCK), N(EDESTADDRREQ),
        N(EMSGSIZE), N(EPROTOTYPE), N(ENOPROTOOPT), N(EOPNOTSUPP), N(EAFNOSUPPORT),
        N(EADDRINUSE), N(EADDRNOTAVAIL), N(ENOTCONN), N(EISCONN), N(ECONNREFUSED),
        N(EINPROGRESS), N(EALREADY), N(ETIMEDOUT), N(ENOTBLK), N(EOVERFLOW),
#undef N
    };
    static char buf[16];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].e == e)
            return names[i].n;
    snprintf(buf, sizeof buf, "E%d", e);
    return buf;
}

/* Runs one case in a child; returns "ok", an errno name or "sig N". */
static const char *run_case(const struct sweep_case *c, long p)
{
    static char out[32];
    pid_t pid = fork();
    if (pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (pid == 0) {
        alarm(2);
        if (setup() != 0)
            _exit(255);
        long r = c->fn(p);
        if (r == -1000)
            _exit(255);
        _exit(r < 0 && r >= -4095 ? (int)-r : 0);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid)
        FAIL("waitpid: %s", strerror(errno));
    if (WIFSIGNALED(st)) {
        snprintf(out, sizeof out, "sig %d", WTERMSIG(st));
        return out;
    }
    int code = WEXITSTATUS(st);
    if (code == 0)
        return "ok";
    if (code == 255)
        return "setup failed";
    return errno_name(code);
}

static const char *find(const struct expect *t, const char *name, const char *arg, const char *kind)
{
    for (; t->name; t++)
        if (!strcmp(t->name, name) && !strcmp(t->arg, arg) && !strcmp(t->kind, kind))
            return t->result;
    return NULL;
}

/* Removes the scratch tree, with whatever sockets and names cases left. */
static void cleanup(void)
{
    DIR *d = opendir(dir_path);
    struct dirent *e;
    char path[400];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir_path, e->d_name);
            if (unlink(path) != 0)
                rmdir(path);
        }
    }
    if (d)
        closedir(d);
    rmdir(dir_path);
}

int main(int argc, char **argv)
{
    /* A successful execve case lands here: it counts as "ok". */
    if (getenv("WEFT_SWEEP_EXEC_CHILD") || argc < 1 || (argc >= 2 && strcmp(argv[1], "--record")))
        _exit(0);
    int record = argc >= 2;
    self_path = argv[0];

    snprintf(dir_path, sizeof dir_path, "/tmp/weft-sweep-%d", getpid());
    snprintf(file_path, sizeof file_path, "%s/f", dir_path);
    snprintf(link_path, sizeof link_path, "%s/l", dir_path);
    CHECK_OK(mkdir(dir_path, 0755));
    int fd = open(file_path, O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, gb, 64), 64);
    close(fd);
    CHECK_OK(symlink("f", link_path));

    void *u = mmap((void *)UNMAPPED_HINT, 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (u == MAP_FAILED)
        u = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(u != MAP_FAILED);
    CHECK_OK(munmap(u, 4096));
    const long values[4] = {0, (long)KERNEL_ADDR, (long)LAST_ADDR, (long)u};

    int failures = 0, n = 0;
    for (size_t i = 0; i < NCASES; i++) {
        for (int k = 0; k < 4; k++) {
            const char *got = run_case(&cases[i], values[k]);
            n++;
            if (record) {
                printf("SWEEP    {\"%s\", \"%s\", \"%s\", \"%s\"},\n", cases[i].name, cases[i].arg,
                       kinds[k], got);
                continue;
            }
            const char *want = find(linux_expected, cases[i].name, cases[i].arg, kinds[k]);
            const char *known = find(weft_known, cases[i].name, cases[i].arg, kinds[k]);
            if (want && !strcmp(got, want))
                continue;
            if (known && !strcmp(got, known))
                continue;
            printf("FAIL %s %s %s: got %s, Linux %s\n", cases[i].name, cases[i].arg, kinds[k], got,
                   want ? want : "(not recorded)");
            failures++;
        }
    }
    cleanup();
    fflush(stdout);
    if (record) {
        printf("SWEEP-DONE %d cases\n", n);
        return 0;
    }
    if (failures) {
        printf("FAIL %s: %d of %d cases differ from Linux\n", __FILE__, failures, n);
        return 1;
    }
    PASS();
}
