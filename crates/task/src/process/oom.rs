//! The out-of-memory killer. When a user page fault finds no free frame,
//! the process with the most resident pages is killed (Linux's
//! `oom_badness`, without `oom_score_adj`); init never is. While a victim
//! is still on its way out, no second one is chosen: faulting threads wait
//! for its memory instead, as Linux's `oom_reaper` makes them. Before any
//! kill, the kernel heap gives back what it holds free (`mm::reclaim`).

use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};

use ksync::SpinLock;

use super::Process;
use super::signal_send::send_to_process;
use super::table::TABLE;
use crate::signal::{SIGKILL, SigInfo};

/// What a thread whose page fault found no memory does next.
#[derive(Debug, PartialEq, Eq)]
pub enum OomVerdict {
    /// It is the victim: its process dies.
    KillSelf,
    /// Another process was killed (or is dying): wait a little, then fault
    /// again.
    Wait,
}

/// Set while a thread chooses a victim.
static CHOOSING: AtomicBool = AtomicBool::new(false);

/// The last victim, while it may still hold its memory. Lock: a leaf.
static VICTIM: SpinLock<Option<Weak<Process>>> = SpinLock::new(None);

/// Decides for a thread of `faulting` whose page fault found no memory.
pub fn out_of_memory(faulting: &Arc<Process>) -> OomVerdict {
    if let Some(victim) = VICTIM.lock().as_ref().and_then(Weak::upgrade)
        && victim.thread_count() > 0
    {
        return if Arc::ptr_eq(&victim, faulting) { OomVerdict::KillSelf } else { OomVerdict::Wait };
    }
    // One chooser at a time; the others wait for its victim.
    if CHOOSING.swap(true, Ordering::Acquire) {
        return OomVerdict::Wait;
    }
    // Free heap memory first (Linux reclaims before it kills).
    if mm::reclaim() > 0 {
        CHOOSING.store(false, Ordering::Release);
        return OomVerdict::Wait;
    }
    let verdict = choose_and_kill(faulting);
    CHOOSING.store(false, Ordering::Release);
    verdict
}

fn choose_and_kill(faulting: &Arc<Process>) -> OomVerdict {
    // The table lock only to collect; sizes are asked of each address
    // space with no process lock held.
    let candidates: Vec<Arc<Process>> = TABLE.lock().processes().filter(|p| p.pid() != 1).cloned().collect();
    let resident = |p: &Arc<Process>| p.first_thread().and_then(|t| t.try_vm()).map_or(0, |vm| vm.stats().rss_pages);
    let Some((victim, pages)) = candidates.iter().map(|p| (p, resident(p))).max_by_key(|&(_, pages)| pages) else {
        return OomVerdict::KillSelf;
    };
    log::warn!("out of memory: killing pid {} ({} kB resident)", victim.pid(), pages * 4);
    *VICTIM.lock() = Some(Arc::downgrade(victim));
    if Arc::ptr_eq(victim, faulting) {
        return OomVerdict::KillSelf;
    }
    let _ = send_to_process(victim, SigInfo::kernel(SIGKILL));
    OomVerdict::Wait
}
