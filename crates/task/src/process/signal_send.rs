//! Sending signals (kill, tgkill, the kernel's own) and taking them on the
//! way back to user mode (Linux's `send_signal`, `complete_signal`,
//! `get_signal`, `do_notify_parent`).

use alloc::sync::Arc;

use abi::{Errno, KResult};

use super::exit::group_exit;
use super::process::Process;
use super::table::{TABLE, find_process};
use super::thread::Thread;
use crate::signal::action::{SA_NOCLDSTOP, SA_NOCLDWAIT, SA_RESETHAND};
use crate::signal::deliver::{Candidate, Disposition, choose_receiver, disposition};
use crate::signal::info::code;
use crate::signal::*;
use crate::topology::Pid;
use crate::wait_status::WaitStatus;

/// Signals that stop a group by default.
const STOP_SIGNALS: SigSet = SigSet((1 << (SIGSTOP - 1)) | (1 << (SIGTSTP - 1)) | (1 << (SIGTTIN - 1)) | (1 << (SIGTTOU - 1)));

/// Whether `sender` may signal `target` (kill(2): root, or a real or
/// effective uid matching the target's real or saved uid; SIGCONT within a
/// session is also allowed by Linux, not modelled here).
pub fn may_signal(sender: &Process, target: &Process) -> bool {
    let s = sender.cred.lock().clone();
    let t = target.cred.lock().clone();
    s.euid == 0 || s.uid == t.uid || s.uid == t.suid || s.euid == t.uid || s.euid == t.suid
}

/// What sending does before queueing (Linux's `prepare_signal`): SIGCONT
/// resumes a stopped group and drops pending stop signals; a stop signal
/// drops pending SIGCONT. Returns false when the signal is to be dropped
/// because it is ignored.
fn prepare(process: &Arc<Process>, sig: u32) -> bool {
    if sig == SIGCONT || sig == SIGKILL {
        process.shared_pending.lock().discard(STOP_SIGNALS);
        for t in process.threads() {
            t.signals.pending.lock().discard(STOP_SIGNALS);
        }
        let was_stopped = process.stop.lock().cont();
        if let Some(reported) = was_stopped {
            process.continued.wake_all();
            // The parent hears of a continue only after it heard of the stop.
            if sig == SIGCONT && reported {
                let parent = TABLE.lock().topo.set_stopped(process.pid(), None);
                if let Some(parent) = parent {
                    notify_parent_stop(process.pid(), parent, WaitStatus::Continued);
                }
            }
        }
    } else if STOP_SIGNALS.contains(sig) {
        process.shared_pending.lock().discard(SigSet::of(SIGCONT));
        for t in process.threads() {
            t.signals.pending.lock().discard(SigSet::of(SIGCONT));
        }
    }
    if sig == SIGKILL {
        return true;
    }
    // An ignored signal is dropped, unless some thread blocks it (the
    // handler may change before it is unblocked).
    let threads = process.threads();
    let ignored = threads.first().map(|t| t.sighand().lock().is_ignored(sig)).unwrap_or(true);
    let dropped = ignored && threads.iter().all(|t| !t.signals.blocked().contains(sig));
    !dropped
}

/// Whether `process` would be killed by `sig` delivered now.
fn is_fatal_now(sig: u32, receiver: &Thread) -> bool {
    sig == SIGKILL || (!receiver.signals.blocked().contains(sig) && receiver.sighand().lock().is_fatal(sig))
}

/// The candidates a process-directed signal may go to.
fn candidates(threads: &[Arc<Thread>]) -> alloc::vec::Vec<Candidate> {
    threads.iter().map(|t| Candidate { tid: t.tid(), blocked: t.signals.blocked_for_delivery(), exiting: t.must_exit() }).collect()
}

/// kill(2)-style: a process-directed signal.
pub fn send_to_process(process: &Arc<Process>, info: SigInfo) -> KResult<()> {
    let sig = info.signo;
    if sig == 0 {
        return Ok(());
    }
    if process.is_exiting() || process.thread_count() == 0 {
        return Ok(());
    }
    if !prepare(process, sig) {
        return Ok(());
    }
    if sig == SIGKILL {
        group_exit(process, WaitStatus::Signaled { signal: SIGKILL, core: false });
        return Ok(());
    }
    let may_queue = super::signal_quota::may_queue(process, &info);
    let queued = process.shared_pending.lock().enqueue_within(info, may_queue);
    if queued == Enqueued::Refused {
        return Err(Errno::EAGAIN);
    }
    process.wake_signalfd_waiters();
    let threads = process.threads();
    if let Some(tid) = choose_receiver(&candidates(&threads), sig) {
        let receiver = threads.iter().find(|t| t.tid() == tid).unwrap();
        if is_fatal_now(sig, receiver) {
            let core = matches!(crate::signal::action::default_action(sig), crate::signal::DefaultAction::Core);
            group_exit(process, WaitStatus::Signaled { signal: sig, core });
        } else {
            receiver.kick();
        }
    }
    Ok(())
}

/// tkill/tgkill-style: a thread-directed signal (also faults).
pub fn send_to_thread(thread: &Arc<Thread>, info: SigInfo) -> KResult<()> {
    let sig = info.signo;
    if sig == 0 {
        return Ok(());
    }
    let process = thread.process().clone();
    if process.is_exiting() || thread.must_exit() {
        return Ok(());
    }
    if !prepare(&process, sig) {
        return Ok(());
    }
    if sig == SIGKILL {
        group_exit(&process, WaitStatus::Signaled { signal: SIGKILL, core: false });
        return Ok(());
    }
    let may_queue = super::signal_quota::may_queue(&process, &info);
    let queued = thread.signals.pending.lock().enqueue_within(info, may_queue);
    if queued == Enqueued::Refused {
        return Err(Errno::EAGAIN);
    }
    process.wake_signalfd_waiters();
    if is_fatal_now(sig, thread) {
        let core = matches!(crate::signal::action::default_action(sig), crate::signal::DefaultAction::Core);
        group_exit(&process, WaitStatus::Signaled { signal: sig, core });
    } else {
        thread.kick();
    }
    Ok(())
}

/// Sends a signal to the process `pid` on behalf of the kernel.
pub fn kernel_signal(pid: Pid, sig: u32) {
    if let Some(p) = find_process(pid) {
        let _ = send_to_process(&p, SigInfo::kernel(sig));
    }
}

/// A child changed state: SIGCHLD (unless suppressed) and a wake of the
/// parent's waiters. A dead child of a parent that ignores SIGCHLD (or set
/// SA_NOCLDWAIT) is reaped at once.
pub fn notify_parent(child: Pid, parent: Pid, exit_signal: u32, status: WaitStatus, times: (u64, u64)) {
    let Some(parent_process) = find_process(parent) else { return };
    let action = parent_process.first_thread().map(|t| t.sighand().lock().get(SIGCHLD));
    let autoreap = action.is_some_and(|a| a.is_ignore() || a.flags & SA_NOCLDWAIT != 0);
    if autoreap {
        let reaped = {
            let mut table = TABLE.lock();
            let reaped = table.topo.reap(child);
            if reaped {
                table.remove_process(child);
            }
            reaped
        };
        if reaped {
            parent_process.child_wait.wake_all();
            return;
        }
    }
    if exit_signal != 0 {
        let (si_code, si_status) = status.siginfo_code_status();
        let info = SigInfo {
            signo: exit_signal,
            code: si_code,
            pid: child,
            status: si_status,
            utime: (times.0 / 10_000_000) as i64,
            stime: (times.1 / 10_000_000) as i64,
            ..SigInfo::default()
        };
        let _ = send_to_process(&parent_process, info);
    }
    parent_process.child_wait.wake_all();
}

/// A child stopped or continued: SIGCHLD unless the parent set
/// SA_NOCLDSTOP, and a wake of its waiters.
fn notify_parent_stop(child: Pid, parent: Pid, status: WaitStatus) {
    let Some(parent_process) = find_process(parent) else { return };
    let nocldstop =
        parent_process.first_thread().is_some_and(|t| t.sighand().lock().get(SIGCHLD).flags & SA_NOCLDSTOP != 0);
    if !nocldstop {
        let (si_code, si_status) = status.siginfo_code_status();
        let info = SigInfo { signo: SIGCHLD, code: si_code, pid: child, status: si_status, ..SigInfo::default() };
        let _ = send_to_process(&parent_process, info);
    }
    parent_process.child_wait.wake_all();
}

/// What the thread must do on its way back to user mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Nothing pending: return to user mode.
    None,
    /// Run a handler.
    Handler { info: SigInfo, action: crate::signal::SigAction },
    /// The group is stopped: park until SIGCONT (or death).
    Stopped,
    /// Leave (exit_group or a fatal signal is in progress).
    Exit,
}

/// Takes the next signal to act on (Linux's `get_signal`): handles ignored
/// ones, default stops and default deaths itself, and returns a handler
/// to run, a stop to wait out, or an exit.
pub fn get_signal(thread: &Arc<Thread>) -> Delivery {
    let process = thread.process().clone();
    loop {
        if thread.must_exit() || process.is_exiting() {
            return Delivery::Exit;
        }
        if process.stop.lock().stopped {
            return Delivery::Stopped;
        }
        let blocked = thread.signals.blocked();
        let info = thread.signals.pending.lock().dequeue(blocked).or_else(|| process.shared_pending.lock().dequeue(blocked));
        let Some(mut info) = info else { return Delivery::None };
        super::posix_timer::complete_timer_signal(&process, &mut info);
        let sig = info.signo;
        let sighand = thread.sighand();
        let action = sighand.lock().get(sig);
        match disposition(sig, action) {
            Disposition::Ignore | Disposition::Continue => continue,
            Disposition::Terminate { core } => {
                group_exit(&process, WaitStatus::Signaled { signal: sig, core });
                return Delivery::Exit;
            }
            Disposition::Stop => {
                do_group_stop(&process, sig);
                continue;
            }
            Disposition::Handler(action) => {
                if action.flags & SA_RESETHAND != 0 {
                    sighand.lock().reset_to_default(sig);
                }
                return Delivery::Handler { info, action };
            }
        }
    }
}

/// Stops the whole group: mark it stopping and make every thread look
/// (each parks when it sees the stop). The parent is told when the last
/// one has parked (`group_stop`).
fn do_group_stop(process: &Arc<Process>, sig: u32) {
    {
        // TABLE keeps the thread count still: a clone adds under it.
        let _table = TABLE.lock();
        if !process.stop.lock().begin(sig, process.thread_count()) {
            return;
        }
    }
    for t in process.threads() {
        t.kick();
    }
}

/// `thread` parks for its group's stop, or leaves while one is in
/// progress: it takes part, and the last one tells the parent.
pub fn participate_in_stop(thread: &Thread) {
    let process = thread.process();
    let complete = process.stop.lock().participate(&thread.stop_seen);
    if let Some(sig) = complete
        && !process.is_exiting()
    {
        let parent = TABLE.lock().topo.set_stopped(process.pid(), Some(sig));
        if let Some(parent) = parent {
            notify_parent_stop(process.pid(), parent, WaitStatus::Stopped(sig));
        }
    }
}

/// Whether `thread` has a signal it does not block, or must exit: an
/// interruptible wait gives up then.
pub fn has_interrupt(thread: &Thread) -> bool {
    if thread.must_exit() {
        return true;
    }
    let blocked = thread.signals.blocked();
    let own = thread.signals.pending.lock().set();
    let shared = thread.process().shared_pending.lock().set();
    !own.union(shared).minus(blocked).is_empty()
}

/// kill(2) for pid > 0.
pub fn kill_process(sender: &Process, pid: Pid, info: SigInfo) -> KResult<()> {
    // A zombie still exists until reaped: signalling it succeeds and does
    // nothing (Linux).
    // Linux's order: no such process, then a bad signal number
    // (check_kill_permission), then the permission.
    let target = find_process(pid).ok_or(Errno::ESRCH)?;
    if info.signo != 0 && !is_valid(info.signo) {
        return Err(Errno::EINVAL);
    }
    if !may_signal(sender, &target) {
        return Err(Errno::EPERM);
    }
    send_to_process(&target, info)
}

/// The code a user-supplied siginfo may carry (rt_sigqueueinfo: Linux
/// refuses SI_USER-or-positive codes from other processes, EPERM).
pub fn user_code_allowed(sender: Pid, target: Pid, si_code: i32) -> bool {
    sender == target || (si_code < 0 && si_code != code::SI_TKILL)
}
