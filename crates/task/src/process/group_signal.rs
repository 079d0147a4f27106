//! Signals sent to many processes at once (a process group, or every
//! process for kill(-1)) and the forks they race with.
//!
//! A sender takes its list of targets under the table lock and signals
//! them after dropping it. A process in the list that is forking meanwhile
//! could put a child in the group after the list was taken and before its
//! own signal arrived: the child would escape a `kill -9 -PGID`. Linux
//! forbids that ("process group and session signals need to be delivered to
//! just the parent before the fork or both the parent and the child after
//! the fork", `copy_process`): a fork that overlaps such a signal is
//! restarted (ERESTARTNOINTR), and on the way back to user mode the parent
//! takes the signal first.
//!
//! Here a fork notes the generation before it copies anything and checks,
//! under the table lock as it inserts the child, that no group signal began
//! since and none is still being sent. A restarted fork that finds a send
//! still in progress restarts again until the send is over, which takes as
//! long as signalling the listed processes.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::process::Process;
use super::table::{ProcessTable, TABLE};

/// Group signals begun since boot; bumped under the table lock.
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// Group signals whose targets were listed but not all signalled yet.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// A group signal being sent: lists its targets and, until dropped, makes
/// every fork that would finish restart.
pub struct GroupSignal {
    pub targets: Vec<Arc<Process>>,
}

impl GroupSignal {
    /// Lists the targets (under the table lock) and opens the window.
    pub fn begin(list: impl FnOnce(&ProcessTable) -> Vec<Arc<Process>>) -> GroupSignal {
        let table = TABLE.lock();
        IN_FLIGHT.fetch_add(1, Ordering::AcqRel);
        GENERATION.fetch_add(1, Ordering::AcqRel);
        GroupSignal { targets: list(&table) }
    }
}

impl Drop for GroupSignal {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What a fork notes before it copies its parent.
#[derive(Clone, Copy)]
pub struct ForkTicket(u64);

/// Taken at the start of a fork.
pub fn fork_ticket() -> ForkTicket {
    ForkTicket(GENERATION.load(Ordering::Acquire))
}

/// Under the table lock, as the child is inserted: false when a group
/// signal overlapped the fork, which must then restart.
pub fn fork_may_finish(ticket: ForkTicket, _table: &ProcessTable) -> bool {
    IN_FLIGHT.load(Ordering::Acquire) == 0 && GENERATION.load(Ordering::Acquire) == ticket.0
}
