//! pidfd_open, pidfd_send_signal, pidfd_getfd: thin handlers over
//! `task::event::pidfd`, with the checks of Linux's kernel/pid.c and
//! kernel/signal.c in their order.

use alloc::sync::Arc;

use abi::{Errno, KResult};
use fs::{OpenFile, OpenFlags};
use task::event::pidfd::PidFd;
use task::process::Process;
use task::process::signal_send::{may_signal, send_to_process, user_code_allowed};
use task::process::{find_process, find_thread};
use task::signal::{SigInfo, is_valid};

use crate::ctx::SyscallContext;
use crate::sys::fd::file;
use crate::sys::process::nofile_limit;

const PIDFD_NONBLOCK: u64 = 0o4000;

/// A new pidfd for `process` in the caller's table (always close-on-exec,
/// as Linux's).
pub fn install(cx: &SyscallContext<'_>, process: Arc<Process>, flags: OpenFlags) -> KResult<i32> {
    crate::sys::process::may_open_file(cx)?;
    cx.thread.files().insert(PidFd::new_file(process, flags), true, nofile_limit(cx))
}

pub fn pidfd_open(cx: &mut SyscallContext<'_>, pid: u64, flags: u64) -> KResult<usize> {
    if flags & !PIDFD_NONBLOCK != 0 || pid as i32 <= 0 {
        return Err(Errno::EINVAL);
    }
    let pid = pid as i32;
    let process = match find_process(pid) {
        Some(p) => p,
        // A thread that is not its group's leader: not a process (Linux 6.1).
        None if find_thread(pid).is_some() => return Err(Errno::EINVAL),
        None => return Err(Errno::ESRCH),
    };
    let status = if flags & PIDFD_NONBLOCK != 0 { OpenFlags::NONBLOCK } else { OpenFlags::empty() };
    install(cx, process, status).map(|fd| fd as usize)
}

/// The process a pidfd names (EBADF for any other file), and whether it has
/// not been reaped yet (its pid still names it).
fn target(file: &OpenFile) -> KResult<(Arc<Process>, bool)> {
    let process = PidFd::process_of(file).ok_or(Errno::EBADF)?;
    let alive = find_process(process.pid()).is_some_and(|p| Arc::ptr_eq(&p, &process));
    Ok((process, alive))
}

pub fn pidfd_send_signal(cx: &mut SyscallContext<'_>, pidfd: u64, sig: u64, uinfo: u64, flags: u64) -> KResult<usize> {
    if flags != 0 {
        return Err(Errno::EINVAL);
    }
    let (process, alive) = target(&*file(cx, pidfd)?)?;
    let sig = sig as u32;
    if sig != 0 && !is_valid(sig) {
        return Err(Errno::EINVAL);
    }
    let me = cx.thread.process().clone();
    let info = if uinfo != 0 {
        let info = SigInfo::from_user_bytes(&cx.read::<[u8; 128]>(uinfo)?);
        if info.signo != sig {
            return Err(Errno::EINVAL);
        }
        if !user_code_allowed(me.pid(), process.pid(), info.code) {
            return Err(Errno::EPERM);
        }
        info
    } else {
        SigInfo::user(sig, me.pid(), me.cred.lock().uid)
    };
    if !alive {
        return Err(Errno::ESRCH);
    }
    if !may_signal(&me, &process) {
        return Err(Errno::EPERM);
    }
    send_to_process(&process, info).map(|_| 0)
}

pub fn pidfd_getfd(cx: &mut SyscallContext<'_>, pidfd: u64, targetfd: u64, flags: u64) -> KResult<usize> {
    if flags != 0 {
        return Err(Errno::EINVAL);
    }
    let (process, _) = target(&*file(cx, pidfd)?)?;
    let Some(owner) = process.first_thread() else { return Err(Errno::ESRCH) };
    // ptrace's PTRACE_MODE_ATTACH_REALCREDS, as far as weft has it: root,
    // or the same real uid.
    // One lock at a time: a tuple would hold the first guard while taking
    // the second, a deadlock when the pidfd names the caller's own process.
    let mine = cx.thread.process().cred.lock().clone();
    let theirs = process.cred.lock().clone();
    if mine.euid != 0 && mine.uid != theirs.uid {
        return Err(Errno::EPERM);
    }
    let file = owner.files().get(targetfd as i32)?;
    let fd = cx.thread.files().insert(file, true, nofile_limit(cx))?;
    Ok(fd as usize)
}
