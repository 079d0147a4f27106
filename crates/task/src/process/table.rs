//! The process table: the topology plus the objects its ids name.
//!
//! # Locks and lock ordering
//!
//! ```text
//! TABLE ─▶ Process::threads ─▶ Thread::signals.pending / Process::shared_pending
//!       ─▶ a SigActions table
//! ```
//! TABLE is Linux's `tasklist_lock`: taken for every change of parentage,
//! membership or zombie state, and for lookups by id. Nothing that can
//! block, allocate frames or touch user memory happens under it. Wakeups
//! (wait queues, tasks) are done after it is released.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;

use ksync::SpinLock;

use super::process::Process;
use super::thread::Thread;
use crate::ids::PID_MAX;
use crate::topology::{Pid, Topology};

/// Everything under the table lock.
pub struct ProcessTable {
    pub topo: Topology,
    /// Live and zombie processes (kept until reaped, for wait's rusage and
    /// /proc).
    processes: BTreeMap<Pid, Arc<Process>>,
    /// Live threads by TID.
    threads: BTreeMap<Pid, Arc<Thread>>,
    /// Most threads the system allows (/proc/sys/kernel/threads-max).
    pub threads_max: usize,
}

/// The table. See the module doc for the lock order.
pub static TABLE: SpinLock<ProcessTable> = SpinLock::new(ProcessTable {
    topo: Topology::new(PID_MAX),
    processes: BTreeMap::new(),
    threads: BTreeMap::new(),
    threads_max: 16384,
});

impl ProcessTable {
    pub fn process(&self, pid: Pid) -> Option<Arc<Process>> {
        self.processes.get(&pid).cloned()
    }

    pub fn thread(&self, tid: Pid) -> Option<Arc<Thread>> {
        self.threads.get(&tid).cloned()
    }

    /// Sets threads-max from memory: one thread per 2 pages. Linux allows
    /// one per 32 (8 x its 16 KiB kernel stack), so that kernel stacks fill
    /// at most an eighth of memory; a blocked weft thread has no kernel
    /// stack and costs about 2 pages with the one page of user stack it
    /// touches, so memory, not this policy, ends thread creation.
    pub fn set_threads_max_for_memory(&mut self, frames: usize) {
        self.threads_max = (frames / 2).clamp(20, 4_000_000);
    }

    pub fn thread_count(&self) -> usize {
        self.threads.len()
    }

    /// Every process, by pid (zombies included).
    pub fn processes(&self) -> impl Iterator<Item = &Arc<Process>> {
        self.processes.values()
    }

    pub(crate) fn insert_process(&mut self, process: Arc<Process>) {
        self.processes.insert(process.pid(), process);
    }

    pub(crate) fn remove_process(&mut self, pid: Pid) -> Option<Arc<Process>> {
        self.processes.remove(&pid)
    }

    pub(crate) fn insert_thread(&mut self, thread: Arc<Thread>) {
        self.threads.insert(thread.tid(), thread);
    }

    pub(crate) fn remove_thread(&mut self, tid: Pid) -> Option<Arc<Thread>> {
        self.threads.remove(&tid)
    }

    /// The processes of group `pgid` (zombies included).
    pub fn group_members(&self, pgid: Pid) -> Vec<Arc<Process>> {
        self.topo.process_group(pgid).filter_map(|pid| self.process(pid)).collect()
    }

    /// Threads whose real uid is `uid` (RLIMIT_NPROC counts them).
    pub fn threads_of_user(&self, uid: u32) -> usize {
        self.processes
            .values()
            .filter(|p| p.cred.lock().uid == uid)
            .map(|p| p.thread_count())
            .sum()
    }
}

/// Looks up a process by pid.
pub fn find_process(pid: Pid) -> Option<Arc<Process>> {
    TABLE.lock().process(pid)
}

/// Looks up a live thread by tid.
pub fn find_thread(tid: Pid) -> Option<Arc<Thread>> {
    TABLE.lock().thread(tid)
}

/// Pids of the live (non-zombie) members of process group `pgid`.
pub fn process_group(pgid: Pid) -> Vec<Arc<Process>> {
    TABLE.lock().group_members(pgid)
}
