//! Signal system calls: actions, masks, waiting, sending, sigaltstack.

use alloc::sync::Arc;

use abi::{Errno, KResult};
use task::process::signal_send::{has_interrupt, kill_process, may_signal, send_to_process, send_to_thread, user_code_allowed};
use task::process::group_signal::GroupSignal;
use task::process::table::find_thread;
use task::process::Thread;
use task::signal::frame::{AltStack, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK};
use task::signal::{SigAction, SigInfo, SigSet, is_valid};

use crate::ctx::SyscallContext;

/// The kernel's sigset_t is 8 bytes; other sizes are EINVAL.
const SIGSET_SIZE: u64 = 8;
/// sigaltstack's minimum size (MINSIGSTKSZ).
const MINSIGSTKSZ: u64 = 2048;

pub fn rt_sigaction(cx: &mut SyscallContext<'_>, sig: u64, act: u64, oldact: u64, size: u64) -> KResult<usize> {
    if size != SIGSET_SIZE || !is_valid(sig as u32) {
        return Err(Errno::EINVAL);
    }
    let sig = sig as u32;
    let new = if act != 0 { Some(SigAction::from_bytes(&cx.read::<[u8; 32]>(act)?)) } else { None };
    let sighand = cx.thread.sighand();
    let old = match new {
        Some(a) => {
            let old = sighand.lock().set(sig, a)?;
            // Setting SIG_IGN (or SIG_DFL for a default-ignored signal)
            // discards pending instances (POSIX).
            if sighand.lock().is_ignored(sig) {
                let process = cx.thread.process();
                process.shared_pending.lock().discard(SigSet::of(sig));
                for t in process.threads() {
                    t.signals.pending.lock().discard(SigSet::of(sig));
                }
            }
            old
        }
        None => {
            if task::signal::is_unblockable(sig) && act != 0 {
                return Err(Errno::EINVAL);
            }
            sighand.lock().get(sig)
        }
    };
    if oldact != 0 {
        cx.write(oldact, &old.to_bytes())?;
    }
    Ok(0)
}

pub fn rt_sigprocmask(cx: &mut SyscallContext<'_>, how: u64, set: u64, oldset: u64, size: u64) -> KResult<usize> {
    const SIG_BLOCK: u64 = 0;
    const SIG_UNBLOCK: u64 = 1;
    const SIG_SETMASK: u64 = 2;
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let old = cx.thread.signals.blocked();
    if set != 0 {
        let s = SigSet(cx.read::<u64>(set)?);
        let new = match how {
            SIG_BLOCK => old.union(s),
            SIG_UNBLOCK => old.minus(s),
            SIG_SETMASK => s,
            _ => return Err(Errno::EINVAL),
        };
        cx.thread.signals.set_blocked(new);
        crate::signal::recheck(cx.thread);
    }
    if oldset != 0 {
        cx.write(oldset, &old.0)?;
    }
    Ok(0)
}

pub fn rt_sigpending(cx: &mut SyscallContext<'_>, set: u64, size: u64) -> KResult<usize> {
    if size > SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let own = cx.thread.signals.pending.lock().set();
    let shared = cx.thread.process().shared_pending.lock().set();
    let pending = own.union(shared).intersect(cx.thread.signals.blocked());
    cx.write_bytes(set, &pending.0.to_le_bytes()[..size as usize])?;
    Ok(0)
}

/// Waits until the thread has something to do on its way back to user mode.
async fn wait_for_signal(thread: &Arc<Thread>) {
    runtime::poll_fn(|_cx| if has_interrupt(thread) { core::task::Poll::Ready(()) } else { core::task::Poll::Pending }).await
}

pub async fn rt_sigsuspend(cx: &mut SyscallContext<'_>, set: u64, size: u64) -> KResult<usize> {
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let mask = SigSet(cx.read::<u64>(set)?);
    let old = cx.thread.signals.blocked();
    *cx.thread.signals.saved_mask.lock() = Some(old);
    cx.thread.signals.set_blocked(mask);
    wait_for_signal(cx.thread).await;
    // The old mask comes back after the handler (through the frame) or at
    // the return to user mode (prepare_return).
    crate::signal::recheck(cx.thread);
    Err(Errno::ERESTARTNOHAND)
}

pub async fn pause(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    wait_for_signal(cx.thread).await;
    Err(Errno::ERESTARTNOHAND)
}

/// Takes a pending signal from `set` directly (sigwaitinfo).
fn take_from(thread: &Thread, set: SigSet) -> Option<SigInfo> {
    let not_wanted = SigSet(!set.0);
    let mut info =
        thread.signals.pending.lock().dequeue(not_wanted).or_else(|| thread.process().shared_pending.lock().dequeue(not_wanted))?;
    task::process::posix_timer::complete_timer_signal(thread.process(), &mut info);
    Some(info)
}

pub async fn rt_sigtimedwait(cx: &mut SyscallContext<'_>, set: u64, info: u64, timeout: u64, size: u64) -> KResult<usize> {
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let set = SigSet(cx.read::<u64>(set)?).blockable();
    let deadline = if timeout != 0 {
        let ns = crate::sys::time::read_timespec(cx, timeout)?;
        Some(arch::time::now_ns().saturating_add(ns))
    } else {
        None
    };
    let thread = cx.thread.clone();
    // While we wait, senders count us as a receiver for `set` (the signals
    // stay blocked: we take them here, no handler runs).
    thread.signals.waiting.store(set.0, core::sync::atomic::Ordering::Relaxed);
    let wait = async {
        loop {
            if let Some(found) = take_from(&thread, set) {
                return Ok(found);
            }
            if has_interrupt(&thread) {
                // Something else must be handled first.
                return Err(Errno::ERESTARTSYS);
            }
            runtime::poll_fn(|_| {
                let pending = thread.signals.pending.lock().set().union(thread.process().shared_pending.lock().set());
                if !pending.intersect(set).is_empty() || has_interrupt(&thread) {
                    core::task::Poll::Ready(())
                } else {
                    core::task::Poll::Pending
                }
            })
            .await;
        }
    };
    let result = match deadline {
        Some(d) => match runtime::global().timeout(d, wait).await {
            Ok(r) => r,
            Err(_) => Err(Errno::EAGAIN),
        },
        None => wait.await,
    };
    thread.signals.waiting.store(0, core::sync::atomic::Ordering::Relaxed);
    let found = match result {
        Err(Errno::ERESTARTSYS) => return Err(Errno::EINTR),
        other => other?,
    };
    if info != 0 {
        cx.write_bytes(info, &found.to_bytes())?;
    }
    Ok(found.signo as usize)
}

pub fn rt_sigqueueinfo(cx: &mut SyscallContext<'_>, pid: u64, sig: u64, uinfo: u64) -> KResult<usize> {
    let mut info = SigInfo::from_user_bytes(&cx.read::<[u8; 128]>(uinfo)?);
    if !user_code_allowed(cx.pid(), pid as i32, info.code) {
        return Err(Errno::EPERM);
    }
    info.signo = sig as u32;
    kill_process(cx.thread.process(), pid as i32, info).map(|_| 0)
}

/// rt_tgsigqueueinfo(2): Linux checks the ids, then the code against the
/// caller's own *thread* id, then as tgkill does.
pub fn rt_tgsigqueueinfo(cx: &mut SyscallContext<'_>, tgid: u64, tid: u64, sig: u64, uinfo: u64) -> KResult<usize> {
    let mut info = SigInfo::from_user_bytes(&cx.read::<[u8; 128]>(uinfo)?);
    let (tgid, tid) = (tgid as i32, tid as i32);
    if tgid <= 0 || tid <= 0 {
        return Err(Errno::EINVAL);
    }
    if !user_code_allowed(cx.thread.tid(), tid, info.code) {
        return Err(Errno::EPERM);
    }
    info.signo = sig as u32;
    send_specific(cx, tgid, tid, info)
}

/// Sets the alternate stack, with sigaltstack's checks.
pub fn set_altstack(thread: &Thread, rsp: u64, new: &AltStack) -> KResult<()> {
    let current = *thread.signals.altstack.lock();
    if current.contains(rsp) {
        return Err(Errno::EPERM);
    }
    let mode = new.flags & !SS_AUTODISARM;
    if mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK {
        return Err(Errno::EINVAL);
    }
    let value = if mode == SS_DISABLE {
        AltStack { sp: 0, flags: SS_DISABLE, size: 0 }
    } else {
        if new.size < MINSIGSTKSZ {
            return Err(Errno::ENOMEM);
        }
        AltStack { sp: new.sp, flags: new.flags & SS_AUTODISARM, size: new.size }
    };
    *thread.signals.altstack.lock() = value;
    Ok(())
}

pub fn sigaltstack(cx: &mut SyscallContext<'_>, ss: u64, old: u64) -> KResult<usize> {
    let rsp = cx.regs.regs.rsp;
    let current = *cx.thread.signals.altstack.lock();
    if ss != 0 {
        let raw: [u64; 3] = cx.read(ss)?;
        let new = AltStack { sp: raw[0], flags: raw[1] as i32, size: raw[2] };
        set_altstack(cx.thread, rsp, &new)?;
    }
    if old != 0 {
        let flags = current.reported_flags(rsp) as u64;
        cx.write(old, &[current.sp, flags, current.size])?;
    }
    Ok(0)
}

/// kill(2): pid > 0 a process, 0 the caller's group, -1 everyone it may
/// signal but init and itself, < -1 a process group.
pub fn kill(cx: &mut SyscallContext<'_>, pid: u64, sig: u64) -> KResult<usize> {
    let pid = pid as i32;
    let sig = sig as u32;
    // -INT_MIN does not exist: Linux answers ESRCH. A bad signal number is
    // EINVAL only once a target was found (check_kill_permission).
    if pid == i32::MIN {
        return Err(Errno::ESRCH);
    }
    let me = cx.thread.process().clone();
    let info = SigInfo::user(sig, me.pid(), me.cred.lock().uid);
    if pid > 0 {
        return kill_process(&me, pid, info).map(|_| 0);
    }
    // Forks in the targets restart until every target is signalled: a
    // child cannot escape the group signal (GroupSignal).
    let send = GroupSignal::begin(|table| {
        if pid == -1 {
            table.processes().filter(|p| p.pid() != 1 && p.pid() != me.pid() && p.thread_count() > 0).cloned().collect()
        } else {
            let pgid = if pid == 0 { table.topo.group(me.pid()).map(|g| g.pgid).unwrap_or(0) } else { -pid };
            table.group_members(pgid)
        }
    });
    if !send.targets.is_empty() && sig != 0 && !is_valid(sig) {
        return Err(Errno::EINVAL);
    }
    // Every target is tried: success if one was signalled, else the last
    // error (Linux's __kill_pgrp_info and kill -1).
    let mut sent = false;
    let mut error = Errno::ESRCH;
    for p in &send.targets {
        if !may_signal(&me, p) {
            error = Errno::EPERM;
            continue;
        }
        match send_to_process(p, info) {
            Ok(()) => sent = true,
            Err(e) => error = e,
        }
    }
    if sent { Ok(0) } else { Err(error) }
}

pub fn tkill(cx: &mut SyscallContext<'_>, tid: u64, sig: u64) -> KResult<usize> {
    thread_kill(cx, None, tid as i32, sig as u32)
}

pub fn tgkill(cx: &mut SyscallContext<'_>, tgid: u64, tid: u64, sig: u64) -> KResult<usize> {
    thread_kill(cx, Some(tgid as i32), tid as i32, sig as u32)
}

fn thread_kill(cx: &mut SyscallContext<'_>, tgid: Option<i32>, tid: i32, sig: u32) -> KResult<usize> {
    if tid <= 0 || tgid.is_some_and(|t| t <= 0) {
        return Err(Errno::EINVAL);
    }
    let me = cx.thread.process().clone();
    let info = SigInfo::tkill(sig, me.pid(), me.cred.lock().uid);
    send_specific(cx, tgid.unwrap_or(0), tid, info)
}

/// Linux's do_send_specific: thread `tid` (of process `tgid`, unless 0)
/// must exist (ESRCH), then the signal number must be valid (EINVAL), then
/// the caller must be allowed (EPERM). A full queue is EAGAIN.
fn send_specific(cx: &SyscallContext<'_>, tgid: i32, tid: i32, info: SigInfo) -> KResult<usize> {
    let target = find_thread(tid).filter(|t| tgid == 0 || t.pid() == tgid).ok_or(Errno::ESRCH)?;
    if info.signo != 0 && !is_valid(info.signo) {
        return Err(Errno::EINVAL);
    }
    if !may_signal(cx.thread.process(), target.process()) {
        return Err(Errno::EPERM);
    }
    send_to_thread(&target, info).map(|_| 0)
}
