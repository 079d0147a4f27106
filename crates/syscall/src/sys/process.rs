//! Process and thread system calls: identity, clone/fork/vfork, execve,
//! exit, wait, process groups, limits, credentials, prctl.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use abi::{Errno, KResult};
use arch::fpu::FpuState;
use arch::user::UserContext;
use runtime::sync::Event;
use task::clone_args::{CloneArgs, CloneFlags};
use task::process::exec::{ExecStart, commit_exec, de_thread, load_program_at};
use task::process::fork::{abort, copy_process};
use task::process::table::TABLE;
use task::process::wait::wait_child;
use task::rlimit::{RLIMIT_NOFILE, Rlimit};
use task::topology::{WaitOptions, WaitTarget};
use task::wait_status::WaitStatus;

use crate::ctx::SyscallContext;
use crate::interruptible;
use crate::user_loop::spawn_user_thread;

pub fn getpid(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    Ok(cx.pid() as usize)
}

pub fn gettid(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    Ok(cx.thread.tid() as usize)
}

pub fn getppid(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    Ok(cx.thread.process().parent_pid() as usize)
}

/// exit(2): ends this thread only.
pub fn exit(cx: &mut SyscallContext<'_>, code: u64) -> KResult<usize> {
    cx.state.exit_status = Some(WaitStatus::Exited(code as u8));
    Ok(0)
}

/// exit_group(2): ends every thread of the process.
pub fn exit_group(cx: &mut SyscallContext<'_>, code: u64) -> KResult<usize> {
    let status = WaitStatus::Exited(code as u8);
    task::process::exit::exit_group(cx.thread, status);
    cx.state.exit_status = Some(status);
    Ok(0)
}

pub async fn fork(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    do_clone(cx, CloneArgs::for_fork()).await
}

pub async fn vfork(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    do_clone(cx, CloneArgs::for_vfork()).await
}

pub async fn clone(cx: &mut SyscallContext<'_>, flags: u64, stack: u64, ptid: u64, ctid: u64, tls: u64) -> KResult<usize> {
    let args = CloneArgs::for_clone(flags, stack, ptid, ctid, tls)?;
    do_clone(cx, args).await
}

pub async fn clone3(cx: &mut SyscallContext<'_>, uargs: u64, size: u64) -> KResult<usize> {
    if size > 4096 {
        return Err(Errno::E2BIG);
    }
    let raw = cx.read_bytes(uargs, size as usize)?;
    let args = CloneArgs::for_clone3(&raw, |base, len| base.checked_add(len).is_some_and(|e| e <= mm::layout::TASK_SIZE as u64))?;
    do_clone(cx, args).await
}

/// Whether `base` may be an FS or GS base (Linux: below TASK_SIZE_MAX;
/// a non-canonical one would fault the MSR write).
fn is_user_tls(base: u64) -> bool {
    base < mm::layout::TASK_SIZE as u64
}

/// The common part of fork, vfork, clone and clone3 (Linux's
/// `kernel_clone`).
async fn do_clone(cx: &mut SyscallContext<'_>, args: CloneArgs) -> KResult<usize> {
    let child = copy_process(cx.thread, &args, arch::time::now_ns())?;
    let tid = child.tid();
    if args.flags.contains(CloneFlags::SETTLS) && !is_user_tls(args.tls) {
        // Linux's copy_thread -> do_arch_prctl_64(ARCH_SET_FS), late in
        // copy_process: the child is undone.
        abort(&child);
        return Err(Errno::EPERM);
    }
    if args.flags.contains(CloneFlags::PIDFD) {
        // Installed and reported before the child runs; a failure undoes
        // the whole clone (Linux).
        let installed = crate::sys::pidfd::install(cx, child.process().clone(), fs::OpenFlags::empty());
        let written = installed.and_then(|fd| cx.write(args.pidfd, &fd).map(|_| fd).inspect_err(|_| {
            let _ = cx.thread.files().close(fd);
        }));
        if let Err(e) = written {
            abort(&child);
            return Err(e);
        }
    }
    if args.flags.contains(CloneFlags::PARENT_SETTID) {
        // Linux ignores a failure here too (kernel_clone's put_user): the
        // child exists and its tid is returned.
        let _ = cx.write(args.parent_tid, &tid);
    }
    if args.flags.contains(CloneFlags::CHILD_SETTID) {
        // Written in the child's memory; Linux ignores a failure here.
        let _ = child.vm().write_val(args.child_tid as usize, &tid);
    }
    let mut regs: UserContext = cx.regs.clone();
    regs.set_return(0);
    if args.stack != 0 {
        regs.regs.rsp = args.stack;
    }
    if args.flags.contains(CloneFlags::SETTLS) {
        regs.set_fs_base(args.tls);
    }
    let fpu = {
        let mut slot = cx.fpu.lock();
        slot.save_if_live();
        slot.state.clone()
    };
    let vfork_done = args.flags.contains(CloneFlags::VFORK).then(|| {
        let done = Arc::new(Event::new());
        *child.vfork_done.lock() = Some(done.clone());
        done
    });
    spawn_user_thread(child, regs, fpu);
    if let Some(done) = vfork_done {
        // The parent sleeps until the child execs or exits; signals do not
        // end this wait early (Linux waits killably only).
        done.wait().await;
    }
    Ok(tid as usize)
}

pub async fn execve(cx: &mut SyscallContext<'_>, path: u64, argv: u64, envp: u64) -> KResult<usize> {
    let path = cx.read_path(path)?;
    exec_path(cx, path, argv, envp).await
}

/// execveat(2): a path relative to a directory fd, or with AT_EMPTY_PATH
/// and an empty path the fd's own file.
pub async fn execveat(cx: &mut SyscallContext<'_>, dirfd: u64, path: u64, argv: u64, envp: u64, flags: u64) -> KResult<usize> {
    const AT_FDCWD: i32 = -100;
    const AT_EMPTY_PATH: u64 = 0x1000;
    const AT_SYMLINK_NOFOLLOW: u64 = 0x100;
    let path = if flags & AT_EMPTY_PATH != 0 {
        cx.vm().read_cstring(path as usize, 4096)?.ok_or(Errno::ENAMETOOLONG)?
    } else {
        cx.read_path(path)?
    };
    if flags & !(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0 {
        return Err(Errno::EINVAL);
    }
    let follow = flags & AT_SYMLINK_NOFOLLOW == 0;
    let fd = dirfd as i32;
    let start = if path.first() == Some(&b'/') || fd == AT_FDCWD {
        ExecStart { dir: None, follow, name: path.clone() }
    } else {
        let file = crate::sys::fd::file(cx, dirfd)?;
        let location = file.location().cloned().ok_or(if path.is_empty() { Errno::EACCES } else { Errno::ENOTDIR })?;
        if !path.is_empty() && location.inode().file_type() != fs::FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        // Linux names the program after the fd (fs/exec.c alloc_bprm).
        let name = if path.is_empty() {
            alloc::format!("/dev/fd/{fd}").into_bytes()
        } else {
            let mut name = alloc::format!("/dev/fd/{fd}/").into_bytes();
            name.try_reserve(path.len()).map_err(|_| Errno::ENOMEM)?;
            name.extend_from_slice(&path);
            name
        };
        ExecStart { dir: Some(location), follow, name }
    };
    exec_program(cx, start, path, argv, envp).await
}

async fn exec_path(cx: &mut SyscallContext<'_>, path: Vec<u8>, argv: u64, envp: u64) -> KResult<usize> {
    let start = ExecStart { dir: None, follow: true, name: path.clone() };
    exec_program(cx, start, path, argv, envp).await
}

async fn exec_program(cx: &mut SyscallContext<'_>, start: ExecStart, path: Vec<u8>, argv: u64, envp: u64) -> KResult<usize> {
    let mut argv = cx.read_string_array(argv)?;
    let envp = cx.read_string_array(envp)?;
    if argv.is_empty() {
        // Linux 6.1 (fs/exec.c) gives the program an empty argv[0] rather
        // than argc 0, which programs do not expect.
        log::warn!("execve with an empty argv: inserting \"\" as argv[0]");
        argv.try_reserve(1).map_err(|_| Errno::ENOMEM)?;
        argv.push(Vec::new());
    }
    let program = load_program_at(cx.thread, start, &path, argv, envp)?;
    de_thread(cx.thread).await?;
    let (entry, sp) = (program.entry, program.stack_pointer);
    commit_exec(cx.thread, program);
    // PR_SET_TSC's choice survives execve (Linux's TIF_NOTSC).
    let tsc_disabled = cx.regs.tsc_disabled;
    *cx.regs = UserContext::new(entry, sp);
    cx.regs.tsc_disabled = tsc_disabled;
    {
        let mut slot = cx.fpu.lock();
        slot.invalidate();
        slot.state = FpuState::new();
    }
    Ok(0)
}

fn wait_target(pid: i64, caller_pgid: i32) -> WaitTarget {
    match pid {
        -1 => WaitTarget::Any,
        0 => WaitTarget::ProcessGroup(caller_pgid),
        p if p < -1 => WaitTarget::ProcessGroup(-p as i32),
        p => WaitTarget::Pid(p as i32),
    }
}

const WNOHANG: u64 = 1;
const WUNTRACED: u64 = 2;
const WEXITED: u64 = 4;
const WCONTINUED: u64 = 8;
const WNOWAIT: u64 = 0x0100_0000;
const WNOTHREAD: u64 = 0x2000_0000;
const WALL: u64 = 0x4000_0000;
const WCLONE: u64 = 0x8000_0000;

fn caller_pgid(cx: &SyscallContext<'_>) -> i32 {
    TABLE.lock().topo.group(cx.pid()).map(|g| g.pgid).unwrap_or(0)
}

pub async fn wait4(cx: &mut SyscallContext<'_>, pid: u64, status: u64, options: u64, rusage: u64) -> KResult<usize> {
    if options & !(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE) != 0 {
        return Err(Errno::EINVAL);
    }
    // -INT_MIN is no process group (Linux's kernel_wait4 says ESRCH).
    if pid as i32 == i32::MIN {
        return Err(Errno::ESRCH);
    }
    let target = wait_target(pid as i32 as i64, caller_pgid(cx));
    let opts = WaitOptions {
        exited: true,
        stopped: options & WUNTRACED != 0,
        continued: options & WCONTINUED != 0,
        no_reap: false,
        all: options & WALL != 0,
        clone_only: options & WCLONE != 0,
    };
    let thread = cx.thread.clone();
    let found = interruptible(cx.thread, wait_child(&thread, target, opts, options & WNOHANG != 0)).await?;
    let Some(found) = found else { return Ok(0) };
    if status != 0 {
        cx.write(status, &found.status.encode())?;
    }
    if rusage != 0 {
        cx.write_bytes(rusage, &crate::sys::time::rusage_bytes(found.user_ns, found.system_ns, found.maxrss_pages))?;
    }
    Ok(found.pid as usize)
}

pub async fn waitid(cx: &mut SyscallContext<'_>, idtype: u64, id: u64, infop: u64, options: u64, rusage: u64) -> KResult<usize> {
    const P_ALL: u64 = 0;
    const P_PID: u64 = 1;
    const P_PGID: u64 = 2;
    const P_PIDFD: u64 = 3;
    if options & !(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE) != 0
        || options & (WUNTRACED | WEXITED | WCONTINUED) == 0
    {
        return Err(Errno::EINVAL);
    }
    // A non-blocking pidfd makes the wait non-blocking: EAGAIN, not 0,
    // when its process has not changed state (Linux).
    let mut nonblocking_pidfd = false;
    let target = match idtype {
        P_ALL => WaitTarget::Any,
        P_PID if (id as i32) > 0 => WaitTarget::Pid(id as i32),
        P_PGID => WaitTarget::ProcessGroup(if id == 0 { caller_pgid(cx) } else { id as i32 }),
        P_PIDFD => {
            let f = crate::sys::fd::file(cx, id)?;
            let process = task::event::pidfd::PidFd::process_of(&f).ok_or(Errno::EBADF)?;
            nonblocking_pidfd = f.is_nonblocking();
            WaitTarget::Pid(process.pid())
        }
        _ => return Err(Errno::EINVAL),
    };
    let opts = WaitOptions {
        exited: options & WEXITED != 0,
        stopped: options & WUNTRACED != 0,
        continued: options & WCONTINUED != 0,
        no_reap: options & WNOWAIT != 0,
        all: options & WALL != 0,
        clone_only: options & WCLONE != 0,
    };
    let thread = cx.thread.clone();
    let nohang = options & WNOHANG != 0 || nonblocking_pidfd;
    let found = interruptible(cx.thread, wait_child(&thread, target, opts, nohang)).await?;
    if found.is_none() && nonblocking_pidfd && options & WNOHANG == 0 {
        return Err(Errno::EAGAIN);
    }
    if infop != 0 {
        let mut info = [0u8; 128];
        if let Some(f) = &found {
            let (code, status) = f.status.siginfo_code_status();
            info[0..4].copy_from_slice(&(task::signal::SIGCHLD as i32).to_le_bytes());
            info[8..12].copy_from_slice(&code.to_le_bytes());
            info[16..20].copy_from_slice(&f.pid.to_le_bytes());
            info[24..28].copy_from_slice(&status.to_le_bytes());
        }
        cx.write_bytes(infop, &info)?;
    }
    if rusage != 0 {
        let (u, s, maxrss) = found.map(|f| (f.user_ns, f.system_ns, f.maxrss_pages)).unwrap_or((0, 0, 0));
        cx.write_bytes(rusage, &crate::sys::time::rusage_bytes(u, s, maxrss))?;
    }
    Ok(0)
}

pub fn set_tid_address(cx: &mut SyscallContext<'_>, addr: u64) -> KResult<usize> {
    cx.thread.clear_child_tid.store(addr, Ordering::Relaxed);
    Ok(cx.thread.tid() as usize)
}

pub fn set_robust_list(cx: &mut SyscallContext<'_>, head: u64, len: u64) -> KResult<usize> {
    // sizeof(struct robust_list_head) on x86_64.
    if len != 24 {
        return Err(Errno::EINVAL);
    }
    *cx.thread.robust_list.lock() = (head, len);
    Ok(0)
}

pub fn get_robust_list(cx: &mut SyscallContext<'_>, tid: u64, head_ptr: u64, len_ptr: u64) -> KResult<usize> {
    let thread = if tid == 0 { cx.thread.clone() } else { task::process::find_thread(tid as i32).ok_or(Errno::ESRCH)? };
    let (head, len) = *thread.robust_list.lock();
    cx.write(head_ptr, &head)?;
    cx.write(len_ptr, &len)?;
    Ok(0)
}

pub fn setpgid(cx: &mut SyscallContext<'_>, pid: u64, pgid: u64) -> KResult<usize> {
    TABLE.lock().topo.setpgid(cx.pid(), pid as i32, pgid as i32)?;
    Ok(0)
}

pub fn getpgid(cx: &mut SyscallContext<'_>, pid: u64) -> KResult<usize> {
    let pid = if pid == 0 { cx.pid() } else { pid as i32 };
    TABLE.lock().topo.group(pid).map(|g| g.pgid as usize).ok_or(Errno::ESRCH)
}

pub fn setsid(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    TABLE.lock().topo.setsid(cx.pid()).map(|s| s as usize)
}

pub fn getsid(cx: &mut SyscallContext<'_>, pid: u64) -> KResult<usize> {
    let pid = if pid == 0 { cx.pid() } else { pid as i32 };
    TABLE.lock().topo.group(pid).map(|g| g.sid as usize).ok_or(Errno::ESRCH)
}

pub fn arch_prctl(cx: &mut SyscallContext<'_>, code: u64, addr: u64) -> KResult<usize> {
    const ARCH_SET_GS: u64 = 0x1001;
    const ARCH_SET_FS: u64 = 0x1002;
    const ARCH_GET_FS: u64 = 0x1003;
    const ARCH_GET_GS: u64 = 0x1004;
    match code {
        ARCH_SET_FS | ARCH_SET_GS => {
            if !is_user_tls(addr) {
                return Err(Errno::EPERM);
            }
            if code == ARCH_SET_FS { cx.regs.set_fs_base(addr) } else { cx.regs.gs_base = addr }
            Ok(0)
        }
        ARCH_GET_FS => cx.write(addr, &cx.regs.fs_base).map(|_| 0),
        ARCH_GET_GS => cx.write(addr, &cx.regs.gs_base).map(|_| 0),
        _ => Err(Errno::EINVAL),
    }
}

fn rlimit_bytes(l: Rlimit) -> [u64; 2] {
    [l.cur, l.max]
}

pub fn getrlimit(cx: &mut SyscallContext<'_>, resource: u64, out: u64) -> KResult<usize> {
    let l = cx.thread.process().limits.lock().get(resource as u32)?;
    cx.write(out, &rlimit_bytes(l))?;
    Ok(0)
}

pub fn setrlimit(cx: &mut SyscallContext<'_>, resource: u64, new: u64) -> KResult<usize> {
    let [cur, max]: [u64; 2] = cx.read(new)?;
    let privileged = cx.thread.process().cred.lock().is_privileged();
    cx.thread.process().limits.lock().set(resource as u32, Rlimit { cur, max }, privileged, nr_open())?;
    Ok(0)
}

/// fs.nr_open: the most file descriptors RLIMIT_NOFILE may allow.
fn nr_open() -> u64 {
    fs::file::nr_open() as u64
}

pub fn prlimit64(cx: &mut SyscallContext<'_>, pid: u64, resource: u64, new: u64, old: u64) -> KResult<usize> {
    let process = if pid == 0 { cx.thread.process().clone() } else { task::process::find_process(pid as i32).ok_or(Errno::ESRCH)? };
    let new_limit = if new != 0 {
        let [cur, max]: [u64; 2] = cx.read(new)?;
        Some(Rlimit { cur, max })
    } else {
        None
    };
    let current = process.limits.lock().get(resource as u32)?;
    if !Arc::ptr_eq(&process, cx.thread.process()) && !may_change_limits_of(cx.thread.process(), &process) {
        return Err(Errno::EPERM);
    }
    if let Some(l) = new_limit {
        let privileged = cx.thread.process().cred.lock().is_privileged();
        process.limits.lock().set(resource as u32, l, privileged, nr_open())?;
    }
    if old != 0 {
        cx.write(old, &rlimit_bytes(current))?;
    }
    Ok(0)
}

/// Linux's `check_prlimit_permission`: another process's limits are the
/// caller's to read or set only when all its user and group ids are the
/// caller's real ones, or for a privileged caller.
fn may_change_limits_of(caller: &task::process::Process, target: &task::process::Process) -> bool {
    let c = caller.cred.lock().clone();
    if c.is_privileged() {
        return true;
    }
    let t = target.cred.lock().clone();
    [t.uid, t.euid, t.suid].iter().all(|&id| id == c.uid) && [t.gid, t.egid, t.sgid].iter().all(|&id| id == c.gid)
}

/// ENFILE when the system holds `fs.file-max` open files and the caller
/// is not privileged; called before a system call makes a new open file.
pub fn may_open_file(cx: &SyscallContext<'_>) -> KResult<()> {
    fs::file::may_open_another(cx.thread.process().cred.lock().is_privileged())
}

/// RLIMIT_NOFILE of the caller, as the fd table's bound.
pub fn nofile_limit(cx: &SyscallContext<'_>) -> usize {
    cx.thread.process().limits.lock().cur(RLIMIT_NOFILE).min(nr_open()) as usize
}

pub fn getuid(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    Ok(cx.thread.process().cred.lock().uid as usize)
}

pub fn geteuid(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    Ok(cx.thread.process().cred.lock().euid as usize)
}

pub fn getgid(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    Ok(cx.thread.process().cred.lock().gid as usize)
}

pub fn getegid(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    Ok(cx.thread.process().cred.lock().egid as usize)
}

pub fn setuid(cx: &mut SyscallContext<'_>, uid: u64) -> KResult<usize> {
    cx.thread.process().cred.lock().setuid(uid as u32)?;
    Ok(0)
}

pub fn setgid(cx: &mut SyscallContext<'_>, gid: u64) -> KResult<usize> {
    cx.thread.process().cred.lock().setgid(gid as u32)?;
    Ok(0)
}

pub fn getresuid(cx: &mut SyscallContext<'_>, r: u64, e: u64, s: u64) -> KResult<usize> {
    let c = cx.thread.process().cred.lock().clone();
    cx.write(r, &c.uid)?;
    cx.write(e, &c.euid)?;
    cx.write(s, &c.suid)?;
    Ok(0)
}

pub fn getresgid(cx: &mut SyscallContext<'_>, r: u64, e: u64, s: u64) -> KResult<usize> {
    let c = cx.thread.process().cred.lock().clone();
    cx.write(r, &c.gid)?;
    cx.write(e, &c.egid)?;
    cx.write(s, &c.sgid)?;
    Ok(0)
}

/// -1 (as u32) leaves an id unchanged in the set*id family.
fn keep(v: u64) -> Option<u32> {
    (v as u32 != u32::MAX).then_some(v as u32)
}

pub fn setresuid(cx: &mut SyscallContext<'_>, r: u64, e: u64, s: u64) -> KResult<usize> {
    let process = cx.thread.process();
    let mut c = process.cred.lock();
    let allowed = |id: u32| c.is_privileged() || id == c.uid || id == c.euid || id == c.suid;
    if ![r, e, s].iter().filter_map(|&v| keep(v)).all(allowed) {
        return Err(Errno::EPERM);
    }
    let old = c.uids();
    if let Some(v) = keep(r) {
        c.uid = v;
    }
    if let Some(v) = keep(e) {
        c.euid = v;
    }
    if let Some(v) = keep(s) {
        c.suid = v;
    }
    c.fsuid = c.euid;
    let new = c.uids();
    c.caps.after_uid_change(old, new);
    Ok(0)
}

pub fn setresgid(cx: &mut SyscallContext<'_>, r: u64, e: u64, s: u64) -> KResult<usize> {
    let process = cx.thread.process();
    let mut c = process.cred.lock();
    let allowed = |id: u32| c.is_privileged() || id == c.gid || id == c.egid || id == c.sgid;
    if ![r, e, s].iter().filter_map(|&v| keep(v)).all(allowed) {
        return Err(Errno::EPERM);
    }
    if let Some(v) = keep(r) {
        c.gid = v;
    }
    if let Some(v) = keep(e) {
        c.egid = v;
    }
    if let Some(v) = keep(s) {
        c.sgid = v;
    }
    c.fsgid = c.egid;
    Ok(0)
}

pub fn setreuid(cx: &mut SyscallContext<'_>, r: u64, e: u64) -> KResult<usize> {
    setresuid(cx, r, e, u32::MAX as u64)
}

pub fn setregid(cx: &mut SyscallContext<'_>, r: u64, e: u64) -> KResult<usize> {
    setresgid(cx, r, e, u32::MAX as u64)
}

pub fn getgroups(cx: &mut SyscallContext<'_>, size: u64, list: u64) -> KResult<usize> {
    if (size as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    let groups = cx.thread.process().cred.lock().groups.clone();
    if size == 0 {
        return Ok(groups.len());
    }
    if (size as usize) < groups.len() {
        return Err(Errno::EINVAL);
    }
    for (i, g) in groups.iter().enumerate() {
        cx.write(list + i as u64 * 4, g)?;
    }
    Ok(groups.len())
}

pub fn setgroups(cx: &mut SyscallContext<'_>, size: u64, list: u64) -> KResult<usize> {
    if size > 65536 {
        return Err(Errno::EINVAL);
    }
    if !cx.thread.process().cred.lock().is_privileged() {
        return Err(Errno::EPERM);
    }
    let groups = (0..size).map(|i| cx.read::<u32>(list + i * 4)).collect::<KResult<Vec<u32>>>()?;
    cx.thread.process().cred.lock().groups = groups;
    Ok(0)
}

pub fn setfsuid(cx: &mut SyscallContext<'_>, uid: u64) -> KResult<usize> {
    let process = cx.thread.process();
    let mut c = process.cred.lock();
    let old = c.fsuid;
    if c.is_privileged() || [c.uid, c.euid, c.suid, c.fsuid].contains(&(uid as u32)) {
        c.fsuid = uid as u32;
    }
    Ok(old as usize)
}

pub fn setfsgid(cx: &mut SyscallContext<'_>, gid: u64) -> KResult<usize> {
    let process = cx.thread.process();
    let mut c = process.cred.lock();
    let old = c.fsgid;
    if c.is_privileged() || [c.gid, c.egid, c.sgid, c.fsgid].contains(&(gid as u32)) {
        c.fsgid = gid as u32;
    }
    Ok(old as usize)
}

/// unshare(2) of the resources weft can unshare (files, fs); namespaces
/// need privileges and support weft does not have.
pub fn unshare(cx: &mut SyscallContext<'_>, flags: u64) -> KResult<usize> {
    let flags = CloneFlags::from_bits(flags).ok_or(Errno::EINVAL)?;
    if flags.intersects(CloneFlags::THREAD | CloneFlags::SIGHAND | CloneFlags::VM) && cx.thread.process().thread_count() > 1 {
        return Err(Errno::EINVAL);
    }
    if flags.contains(CloneFlags::FILES) {
        let copy = cx.thread.files().fork_copy();
        cx.thread.set_files(Arc::new(copy));
    }
    if flags.contains(CloneFlags::FS) {
        let copy = cx.thread.fs().fork_copy();
        cx.thread.set_fs(Arc::new(copy));
    }
    if flags.intersects(CloneFlags::NEWNS | CloneFlags::NEWUTS | CloneFlags::NEWIPC | CloneFlags::NEWNET | CloneFlags::NEWPID | CloneFlags::NEWUSER | CloneFlags::NEWCGROUP) {
        return Err(Errno::EPERM);
    }
    Ok(0)
}
