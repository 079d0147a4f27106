//! RLIMIT_SIGPENDING: how many siginfos may wait, counted per real uid of
//! the receiver over all its processes and threads, against the
//! receiver's limit (Linux's `__sigqueue_alloc` with ucounts).
//!
//! Standard signals with a kernel or kill() code (si_code >= 0) are
//! exempt, as Linux's `override_rlimit`; timer signals too (their siginfo
//! belongs to the timer). What happens to a signal over the limit is
//! `SigPending::enqueue_within`'s business.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::process::Process;
use super::table::TABLE;
use crate::rlimit::RLIMIT_SIGPENDING;
use crate::signal::info::code;
use crate::signal::pending::queued_total;
use crate::signal::{SigInfo, is_realtime};

/// Whether `info` may be queued with its siginfo for `target`.
pub(crate) fn may_queue(target: &Process, info: &SigInfo) -> bool {
    let exempt = (!is_realtime(info.signo) && info.code >= 0) || info.code == code::SI_TIMER;
    if exempt {
        return true;
    }
    let limit = target.limits.lock().cur(RLIMIT_SIGPENDING);
    // Fewer queued in the whole system than the limit: nobody is over it.
    if (queued_total() as u64) < limit {
        return true;
    }
    let uid = target.cred.lock().uid;
    (queued_for_user(uid) as u64) < limit
}

/// Siginfos queued for the processes whose real uid is `uid`.
fn queued_for_user(uid: u32) -> usize {
    // Lock order: TABLE is released before any process's locks are taken.
    let processes: Vec<Arc<Process>> = TABLE.lock().processes().cloned().collect();
    processes
        .iter()
        .filter(|p| p.cred.lock().uid == uid)
        .map(|p| p.shared_pending.lock().len() + p.threads().iter().map(|t| t.signals.pending.lock().len()).sum::<usize>())
        .sum()
}
