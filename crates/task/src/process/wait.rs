//! wait4/waitid (Linux's `do_wait`): look for a child event under the
//! table lock, reap in the same critical section, sleep on the caller's
//! `child_wait` queue otherwise.

use core::sync::atomic::Ordering;

use abi::{Errno, KResult};

use super::table::TABLE;
use super::thread::Thread;
use crate::topology::{Pid, WaitOptions, WaitOutcome, WaitTarget};
use crate::wait_status::WaitStatus;

/// A child event found by a wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitResult {
    pub pid: Pid,
    pub status: WaitStatus,
    /// The child's (user, system) CPU time, children included, in ns.
    pub user_ns: u64,
    pub system_ns: u64,
    /// The child's ru_maxrss, in pages.
    pub maxrss_pages: usize,
}

/// One look: an event, Ok(None) for "children exist, nothing yet", or
/// ECHILD.
fn try_wait(thread: &Thread, target: WaitTarget, opts: WaitOptions) -> KResult<Option<WaitResult>> {
    let me = thread.process();
    let mut table = TABLE.lock();
    match table.topo.wait(me.pid(), target, opts) {
        WaitOutcome::NoChild => Err(Errno::ECHILD),
        WaitOutcome::NotYet => Ok(None),
        WaitOutcome::Event { pid, status } => {
            let child = table.process(pid);
            let (mut user, mut system) = child.as_ref().map(|c| c.cpu_time()).unwrap_or((0, 0));
            // Linux wait_task_zombie: the child's peak or its children's.
            let maxrss_pages = child.as_ref().map_or(0, |c| c.maxrss_pages().max(c.children_maxrss_pages()));
            if let Some(c) = &child {
                let (cu, cs) = c.children_cpu_time();
                user += cu;
                system += cs;
            }
            let reaped = matches!(status, WaitStatus::Exited(_) | WaitStatus::Signaled { .. }) && !opts.no_reap;
            if reaped {
                table.remove_process(pid);
                me.times.children_user_ns.fetch_add(user, Ordering::Relaxed);
                me.times.children_system_ns.fetch_add(system, Ordering::Relaxed);
                me.times.children_maxrss_pages.fetch_max(maxrss_pages, Ordering::Relaxed);
            }
            Ok(Some(WaitResult { pid, status, user_ns: user, system_ns: system, maxrss_pages }))
        }
    }
}

/// Waits for a child event. With `nohang`, returns Ok(None) instead of
/// sleeping. The caller wraps this in an interruptible wait (a signal ends
/// it with ERESTARTSYS).
pub async fn wait_child(thread: &Thread, target: WaitTarget, opts: WaitOptions, nohang: bool) -> KResult<Option<WaitResult>> {
    if nohang {
        return try_wait(thread, target, opts);
    }
    let queue = &thread.process().child_wait;
    queue
        .wait_until(|| match try_wait(thread, target, opts) {
            Ok(None) => None,
            other => Some(other),
        })
        .await
}
