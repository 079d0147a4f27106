//! The system call table: one line per implemented call. Everything else
//! returns ENOSYS and is logged once by name.

use alloc::boxed::Box;
use core::sync::atomic::{AtomicU64, Ordering};

use abi::sysno as nr;
use abi::{Errno, KResult};

use crate::ctx::SyscallContext;
use crate::sys::{
    caps, event, fd, futex, futex_waitv, ipc, ldt, mem, misc, mqueue, path, pidfd, poll, prctl, process, sched, signal, socket, time, timer,
};

/// One bit per syscall number already reported as unimplemented.
static REPORTED: [AtomicU64; 8] = [const { AtomicU64::new(0) }; 8];

fn not_implemented(number: usize) -> KResult<usize> {
    if number < 512 {
        let bit = 1u64 << (number % 64);
        if REPORTED[number / 64].fetch_or(bit, Ordering::Relaxed) & bit == 0 {
            let name = abi::sysno::name(number).unwrap_or("?");
            log::warn!("unimplemented system call {number} ({name}): ENOSYS");
        }
    }
    Err(Errno::ENOSYS)
}

/// Runs system call `number` with arguments `a`.
///
/// This future lives in every user thread's future, sized for the largest
/// call it may await, so a thread blocked in FUTEX_WAIT would carry room
/// for a sendmmsg. The calls whose state is larger than read's and
/// write's are boxed for the call's duration instead (sockets' message
/// calls and connect, System V and POSIX queues, poll, select and epoll
/// waits, readv/writev, waitid, futex_waitv, fork, clone and exec): one
/// allocation per call, which is small beside what these calls do. read
/// and write stay inline as the hottest blocking calls, and futex, the
/// call a blocked thread most often waits in, boxes only a timed wait's
/// timer (issue 15's bytes per blocked thread; `-Zprint-type-sizes`
/// shows the sizes).
pub async fn dispatch(cx: &mut SyscallContext<'_>, number: usize, a: [u64; 6]) -> KResult<usize> {
    match number {
        // Process and thread identity and lifecycle.
        nr::GETPID => process::getpid(cx),
        nr::GETPPID => process::getppid(cx),
        nr::GETTID => process::gettid(cx),
        nr::EXIT => process::exit(cx, a[0]),
        nr::EXIT_GROUP => process::exit_group(cx, a[0]),
        nr::FORK => Box::pin(process::fork(cx)).await,
        nr::VFORK => Box::pin(process::vfork(cx)).await,
        nr::CLONE => Box::pin(process::clone(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::CLONE3 => Box::pin(process::clone3(cx, a[0], a[1])).await,
        nr::EXECVE => Box::pin(process::execve(cx, a[0], a[1], a[2])).await,
        nr::EXECVEAT => Box::pin(process::execveat(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::WAIT4 => process::wait4(cx, a[0], a[1], a[2], a[3]).await,
        nr::WAITID => Box::pin(process::waitid(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::SET_TID_ADDRESS => process::set_tid_address(cx, a[0]),
        nr::SET_ROBUST_LIST => process::set_robust_list(cx, a[0], a[1]),
        nr::GET_ROBUST_LIST => process::get_robust_list(cx, a[0], a[1], a[2]),
        nr::SETPGID => process::setpgid(cx, a[0], a[1]),
        nr::GETPGID => process::getpgid(cx, a[0]),
        nr::GETPGRP => process::getpgid(cx, 0),
        nr::SETSID => process::setsid(cx),
        nr::GETSID => process::getsid(cx, a[0]),
        nr::PRCTL => prctl::prctl(cx, a[0], a[1], a[2], a[3], a[4]),
        nr::ARCH_PRCTL => process::arch_prctl(cx, a[0], a[1]),
        nr::MODIFY_LDT => ldt::modify_ldt(cx, a[0], a[1], a[2]),
        nr::GETRLIMIT => process::getrlimit(cx, a[0], a[1]),
        nr::SETRLIMIT => process::setrlimit(cx, a[0], a[1]),
        nr::PRLIMIT64 => process::prlimit64(cx, a[0], a[1], a[2], a[3]),
        nr::GETUID => process::getuid(cx),
        nr::GETEUID => process::geteuid(cx),
        nr::GETGID => process::getgid(cx),
        nr::GETEGID => process::getegid(cx),
        nr::SETUID => process::setuid(cx, a[0]),
        nr::SETGID => process::setgid(cx, a[0]),
        nr::GETRESUID => process::getresuid(cx, a[0], a[1], a[2]),
        nr::GETRESGID => process::getresgid(cx, a[0], a[1], a[2]),
        nr::SETRESUID => process::setresuid(cx, a[0], a[1], a[2]),
        nr::SETRESGID => process::setresgid(cx, a[0], a[1], a[2]),
        nr::SETREUID => process::setreuid(cx, a[0], a[1]),
        nr::SETREGID => process::setregid(cx, a[0], a[1]),
        nr::GETGROUPS => process::getgroups(cx, a[0], a[1]),
        nr::SETGROUPS => process::setgroups(cx, a[0], a[1]),
        nr::SETFSUID => process::setfsuid(cx, a[0]),
        nr::SETFSGID => process::setfsgid(cx, a[0]),
        nr::CAPGET => caps::capget(cx, a[0], a[1]),
        nr::CAPSET => caps::capset(cx, a[0], a[1]),
        nr::UNSHARE => process::unshare(cx, a[0]),

        // Signals.
        nr::RT_SIGACTION => signal::rt_sigaction(cx, a[0], a[1], a[2], a[3]),
        nr::RT_SIGPROCMASK => signal::rt_sigprocmask(cx, a[0], a[1], a[2], a[3]),
        nr::RT_SIGRETURN => crate::signal::sys_rt_sigreturn(cx),
        nr::RT_SIGPENDING => signal::rt_sigpending(cx, a[0], a[1]),
        nr::RT_SIGSUSPEND => signal::rt_sigsuspend(cx, a[0], a[1]).await,
        nr::RT_SIGTIMEDWAIT => signal::rt_sigtimedwait(cx, a[0], a[1], a[2], a[3]).await,
        nr::RT_SIGQUEUEINFO => signal::rt_sigqueueinfo(cx, a[0], a[1], a[2]),
        nr::RT_TGSIGQUEUEINFO => signal::rt_tgsigqueueinfo(cx, a[0], a[1], a[2], a[3]),
        nr::SIGALTSTACK => signal::sigaltstack(cx, a[0], a[1]),
        nr::KILL => signal::kill(cx, a[0], a[1]),
        nr::TKILL => signal::tkill(cx, a[0], a[1]),
        nr::TGKILL => signal::tgkill(cx, a[0], a[1], a[2]),
        nr::PAUSE => signal::pause(cx).await,
        nr::RESTART_SYSCALL => time::restart_syscall(cx).await,

        // Futexes and scheduling.
        nr::FUTEX => futex::futex(cx, a[0], a[1], a[2], a[3], a[4], a[5]).await,
        nr::FUTEX_WAITV => Box::pin(futex_waitv::futex_waitv(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::SCHED_YIELD => sched::sched_yield(cx).await,
        nr::SCHED_GETAFFINITY => sched::sched_getaffinity(cx, a[0], a[1], a[2]),
        nr::SCHED_SETAFFINITY => sched::sched_setaffinity(cx, a[0], a[1], a[2]),
        nr::GETCPU => sched::getcpu(cx, a[0], a[1]),
        nr::SCHED_GETSCHEDULER => sched::sched_getscheduler(cx, a[0]),
        nr::SCHED_GETPARAM => sched::sched_getparam(cx, a[0], a[1]),
        nr::SCHED_SETSCHEDULER => sched::sched_setscheduler(cx, a[0], a[1], a[2]),
        nr::SCHED_SETPARAM => sched::sched_setparam(cx, a[0], a[1]),
        nr::SCHED_RR_GET_INTERVAL => sched::sched_rr_get_interval(cx, a[0], a[1]),
        nr::SCHED_GET_PRIORITY_MAX => sched::priority_range(a[0], true),
        nr::SCHED_GET_PRIORITY_MIN => sched::priority_range(a[0], false),
        nr::GETPRIORITY => sched::getpriority(cx, a[0], a[1]),
        nr::SETPRIORITY => sched::setpriority(cx, a[0], a[1], a[2]),

        // Time.
        nr::CLOCK_GETTIME => time::clock_gettime(cx, a[0], a[1]),
        nr::CLOCK_GETRES => time::clock_getres(cx, a[0], a[1]),
        nr::GETTIMEOFDAY => time::gettimeofday(cx, a[0], a[1]),
        nr::TIME => time::time(cx, a[0]),
        nr::NANOSLEEP => time::nanosleep(cx, a[0], a[1]).await,
        nr::CLOCK_NANOSLEEP => time::clock_nanosleep(cx, a[0], a[1], a[2], a[3]).await,
        nr::TIMES => time::times(cx, a[0]),
        nr::GETRUSAGE => time::getrusage(cx, a[0], a[1]),
        nr::ALARM => time::alarm(cx, a[0]),
        nr::SETITIMER => time::setitimer(cx, a[0], a[1], a[2]),
        nr::GETITIMER => time::getitimer(cx, a[0], a[1]),
        nr::TIMER_CREATE => timer::timer_create(cx, a[0], a[1], a[2]),
        nr::TIMER_SETTIME => timer::timer_settime(cx, a[0], a[1], a[2], a[3]),
        nr::TIMER_GETTIME => timer::timer_gettime(cx, a[0], a[1]),
        nr::TIMER_GETOVERRUN => timer::timer_getoverrun(cx, a[0]),
        nr::TIMER_DELETE => timer::timer_delete(cx, a[0]),

        // Memory.
        nr::BRK => mem::brk(cx, a[0]),
        nr::MMAP => mem::mmap(cx, a[0], a[1], a[2], a[3], a[4], a[5]),
        nr::MUNMAP => mem::munmap(cx, a[0], a[1]),
        nr::MPROTECT => mem::mprotect(cx, a[0], a[1], a[2]),
        nr::MREMAP => mem::mremap(cx, a[0], a[1], a[2], a[3], a[4]),
        nr::MADVISE => mem::madvise(cx, a[0], a[1], a[2]),
        nr::MINCORE => mem::mincore(cx, a[0], a[1], a[2]).await,
        nr::MLOCK => mem::mlock2(cx, a[0], a[1], 0),
        nr::MLOCK2 => mem::mlock2(cx, a[0], a[1], a[2]),
        nr::MUNLOCK => mem::munlock(cx, a[0], a[1]),
        nr::MLOCKALL => mem::mlockall(cx, a[0]),
        nr::MUNLOCKALL => mem::munlockall(cx),
        nr::MSYNC => mem::msync(cx, a[0], a[1], a[2]),

        // File descriptors and I/O.
        nr::READ => fd::read(cx, a[0], a[1], a[2]).await,
        nr::WRITE => fd::write(cx, a[0], a[1], a[2]).await,
        nr::READV => Box::pin(fd::readv(cx, a[0], a[1], a[2])).await,
        nr::WRITEV => Box::pin(fd::writev(cx, a[0], a[1], a[2])).await,
        nr::PREAD64 => fd::pread64(cx, a[0], a[1], a[2], a[3]),
        nr::PWRITE64 => fd::pwrite64(cx, a[0], a[1], a[2], a[3]),
        nr::PREADV => fd::preadv(cx, a[0], a[1], a[2], a[3]),
        nr::PWRITEV => fd::pwritev(cx, a[0], a[1], a[2], a[3]),
        nr::LSEEK => fd::lseek(cx, a[0], a[1], a[2]),
        nr::CLOSE => fd::close(cx, a[0]),
        nr::CLOSE_RANGE => fd::close_range(cx, a[0], a[1], a[2]),
        nr::DUP => fd::dup(cx, a[0]),
        nr::DUP2 => fd::dup2(cx, a[0], a[1]),
        nr::DUP3 => fd::dup3(cx, a[0], a[1], a[2]),
        nr::FCNTL => fd::fcntl(cx, a[0], a[1], a[2]),
        nr::IOCTL => fd::ioctl(cx, a[0], a[1], a[2]),
        nr::PIPE => fd::pipe2(cx, a[0], 0),
        nr::PIPE2 => fd::pipe2(cx, a[0], a[1]),
        nr::MEMFD_CREATE => crate::sys::memfd::memfd_create(cx, a[0], a[1]),
        nr::SENDFILE => fd::sendfile(cx, a[0], a[1], a[2], a[3]).await,
        nr::FTRUNCATE => fd::ftruncate(cx, a[0], a[1]),
        nr::FSYNC | nr::FDATASYNC => fd::fsync(cx, a[0]),
        nr::GETDENTS64 => fd::getdents64(cx, a[0], a[1], a[2]),
        nr::FSTAT => fd::fstat(cx, a[0], a[1]),
        nr::FCHDIR => fd::fchdir(cx, a[0]),
        nr::FCHMOD => fd::fchmod(cx, a[0], a[1]),
        nr::FCHOWN => fd::fchown(cx, a[0], a[1], a[2]),
        nr::FSTATFS => fd::fstatfs(cx, a[0], a[1]),
        nr::FLOCK => fd::flock(cx, a[0], a[1]),

        // Paths.
        nr::OPEN => path::open(cx, a[0], a[1], a[2]),
        nr::OPENAT => path::openat(cx, a[0], a[1], a[2], a[3]),
        nr::CREAT => path::creat(cx, a[0], a[1]),
        nr::STAT => path::stat(cx, a[0], a[1]),
        nr::LSTAT => path::lstat(cx, a[0], a[1]),
        nr::NEWFSTATAT => path::newfstatat(cx, a[0], a[1], a[2], a[3]),
        nr::STATX => path::statx(cx, a[0], a[1], a[2], a[3], a[4]),
        nr::STATFS => path::statfs(cx, a[0], a[1]),
        nr::ACCESS => path::access(cx, a[0], a[1]),
        nr::FACCESSAT => path::faccessat(cx, a[0], a[1], a[2], 0),
        nr::FACCESSAT2 => path::faccessat(cx, a[0], a[1], a[2], a[3]),
        nr::MKDIR => path::mkdir(cx, a[0], a[1]),
        nr::MKDIRAT => path::mkdirat(cx, a[0], a[1], a[2]),
        nr::MKNOD => path::mknod(cx, a[0], a[1], a[2]),
        nr::MKNODAT => path::mknodat(cx, a[0], a[1], a[2], a[3]),
        nr::RMDIR => path::rmdir(cx, a[0]),
        nr::UNLINK => path::unlink(cx, a[0]),
        nr::UNLINKAT => path::unlinkat(cx, a[0], a[1], a[2]),
        nr::RENAME => path::rename(cx, a[0], a[1]),
        nr::RENAMEAT => path::renameat(cx, a[0], a[1], a[2], a[3], 0),
        nr::RENAMEAT2 => path::renameat(cx, a[0], a[1], a[2], a[3], a[4]),
        nr::LINK => path::link(cx, a[0], a[1]),
        nr::LINKAT => path::linkat(cx, a[0], a[1], a[2], a[3], a[4]),
        nr::SYMLINK => path::symlink(cx, a[0], a[1]),
        nr::SYMLINKAT => path::symlinkat(cx, a[0], a[1], a[2]),
        nr::READLINK => path::readlink(cx, a[0], a[1], a[2]),
        nr::READLINKAT => path::readlinkat(cx, a[0], a[1], a[2], a[3]),
        nr::CHDIR => path::chdir(cx, a[0]),
        nr::GETCWD => path::getcwd(cx, a[0], a[1]),
        nr::CHMOD => path::chmod(cx, a[0], a[1]),
        nr::FCHMODAT => path::fchmodat(cx, a[0], a[1], a[2]),
        nr::CHOWN => path::chown(cx, a[0], a[1], a[2], true),
        nr::LCHOWN => path::chown(cx, a[0], a[1], a[2], false),
        nr::FCHOWNAT => path::fchownat(cx, a[0], a[1], a[2], a[3], a[4]),
        nr::UTIMENSAT => path::utimensat(cx, a[0], a[1], a[2], a[3]),
        nr::TRUNCATE => path::truncate(cx, a[0], a[1]),
        nr::UMASK => path::umask(cx, a[0]),
        nr::CHROOT => path::chroot(cx, a[0]),
        nr::MOUNT => path::mount(cx, a[0], a[1], a[2], a[3], a[4]),
        nr::UMOUNT2 => path::umount2(cx, a[0], a[1]),

        // Readiness.
        nr::POLL => Box::pin(poll::poll(cx, a[0], a[1], a[2])).await,
        nr::PPOLL => Box::pin(poll::ppoll(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::EPOLL_CREATE => event::epoll_create(cx, a[0]),
        nr::EPOLL_CREATE1 => event::epoll_create1(cx, a[0]),
        nr::EPOLL_CTL => event::epoll_ctl(cx, a[0], a[1], a[2], a[3]),
        nr::EPOLL_WAIT => Box::pin(event::epoll_wait(cx, a[0], a[1], a[2], a[3])).await,
        nr::EPOLL_PWAIT => Box::pin(event::epoll_pwait(cx, a[0], a[1], a[2], a[3], a[4], a[5])).await,
        nr::EPOLL_PWAIT2 => Box::pin(event::epoll_pwait2(cx, a[0], a[1], a[2], a[3], a[4], a[5])).await,
        nr::EVENTFD => event::eventfd(cx, a[0]),
        nr::EVENTFD2 => event::eventfd2(cx, a[0], a[1]),
        nr::TIMERFD_CREATE => event::timerfd_create(cx, a[0], a[1]),
        nr::TIMERFD_SETTIME => event::timerfd_settime(cx, a[0], a[1], a[2], a[3]),
        nr::TIMERFD_GETTIME => event::timerfd_gettime(cx, a[0], a[1]),
        nr::SIGNALFD => event::signalfd(cx, a[0], a[1], a[2]),
        nr::SIGNALFD4 => event::signalfd4(cx, a[0], a[1], a[2], a[3]),
        // glibc registers an rseq area at every program start and goes on
        // without one on ENOSYS: answered without the once-a-boot warning
        // every other missing call gets (docs/syscalls.md).
        nr::RSEQ => Err(Errno::ENOSYS),
        nr::MEMBARRIER => sched::membarrier(cx, a[0], a[1], a[2]).await,
        nr::SCHED_GETATTR => sched::sched_getattr(cx, a[0], a[1], a[2], a[3]),
        nr::SCHED_SETATTR => sched::sched_setattr(cx, a[0], a[1], a[2]),
        nr::SOCKET => socket::socket(cx, a[0], a[1], a[2]),
        nr::SOCKETPAIR => socket::socketpair(cx, a[0], a[1], a[2], a[3]),
        nr::BIND => socket::bind(cx, a[0], a[1], a[2]),
        nr::LISTEN => socket::listen(cx, a[0], a[1]),
        nr::CONNECT => Box::pin(socket::connect(cx, a[0], a[1], a[2])).await,
        nr::ACCEPT => socket::accept(cx, a[0], a[1], a[2]).await,
        nr::ACCEPT4 => socket::accept4(cx, a[0], a[1], a[2], a[3]).await,
        nr::GETSOCKNAME => socket::getsockname(cx, a[0], a[1], a[2]),
        nr::GETPEERNAME => socket::getpeername(cx, a[0], a[1], a[2]),
        nr::SHUTDOWN => socket::shutdown(cx, a[0], a[1]),
        nr::SENDTO => Box::pin(socket::sendto(cx, a[0], a[1], a[2], a[3], a[4], a[5])).await,
        nr::RECVFROM => Box::pin(socket::recvfrom(cx, a[0], a[1], a[2], a[3], a[4], a[5])).await,
        nr::SENDMSG => Box::pin(socket::sendmsg(cx, a[0], a[1], a[2])).await,
        nr::RECVMSG => Box::pin(socket::recvmsg(cx, a[0], a[1], a[2])).await,
        nr::SENDMMSG => Box::pin(socket::sendmmsg(cx, a[0], a[1], a[2], a[3])).await,
        nr::RECVMMSG => Box::pin(socket::recvmmsg(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::SETSOCKOPT => socket::setsockopt(cx, a[0], a[1], a[2], a[3], a[4]),
        nr::GETSOCKOPT => socket::getsockopt(cx, a[0], a[1], a[2], a[3], a[4]),
        nr::PIDFD_OPEN => pidfd::pidfd_open(cx, a[0], a[1]),
        nr::PIDFD_SEND_SIGNAL => pidfd::pidfd_send_signal(cx, a[0], a[1], a[2], a[3]),
        nr::PIDFD_GETFD => pidfd::pidfd_getfd(cx, a[0], a[1], a[2]),
        nr::SELECT => Box::pin(poll::select(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::PSELECT6 => Box::pin(poll::pselect6(cx, a[0], a[1], a[2], a[3], a[4], a[5])).await,

        // System V IPC.
        nr::SHMGET => ipc::shmget(cx, a[0], a[1], a[2]),
        nr::SHMAT => ipc::shmat(cx, a[0], a[1], a[2]),
        nr::SHMDT => ipc::shmdt(cx, a[0]),
        nr::SHMCTL => ipc::shmctl(cx, a[0], a[1], a[2]),
        nr::SEMGET => ipc::semget(cx, a[0], a[1], a[2]),
        nr::SEMOP => Box::pin(ipc::semop(cx, a[0], a[1], a[2])).await,
        nr::SEMTIMEDOP => Box::pin(ipc::semtimedop(cx, a[0], a[1], a[2], a[3])).await,
        nr::SEMCTL => ipc::semctl(cx, a[0], a[1], a[2], a[3]),
        nr::MSGGET => ipc::msgget(cx, a[0], a[1]),
        nr::MSGSND => Box::pin(ipc::msgsnd(cx, a[0], a[1], a[2], a[3])).await,
        nr::MSGRCV => Box::pin(ipc::msgrcv(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::MSGCTL => ipc::msgctl(cx, a[0], a[1], a[2]),

        // POSIX message queues.
        nr::MQ_OPEN => mqueue::mq_open(cx, a[0], a[1], a[2], a[3]),
        nr::MQ_UNLINK => mqueue::mq_unlink(cx, a[0]),
        nr::MQ_TIMEDSEND => Box::pin(mqueue::mq_timedsend(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::MQ_TIMEDRECEIVE => Box::pin(mqueue::mq_timedreceive(cx, a[0], a[1], a[2], a[3], a[4])).await,
        nr::MQ_NOTIFY => mqueue::mq_notify(cx, a[0], a[1]),
        nr::MQ_GETSETATTR => mqueue::mq_getsetattr(cx, a[0], a[1], a[2]),

        // The system.
        nr::UNAME => misc::uname(cx, a[0]),
        nr::SETHOSTNAME => misc::sethostname(cx, a[0], a[1]),
        nr::SETDOMAINNAME => misc::setdomainname(cx, a[0], a[1]),
        nr::GETRANDOM => misc::getrandom(cx, a[0], a[1], a[2]),
        nr::SYSINFO => misc::sysinfo(cx, a[0]),
        nr::REBOOT => misc::reboot(cx, a[0], a[1], a[2], a[3]),
        nr::SYNC | nr::SYNCFS => Ok(0),
        nr::SYSLOG => misc::syslog(cx, a[0], a[1], a[2]),
        nr::VHANGUP => misc::vhangup(cx),

        number => not_implemented(number),
    }
}
