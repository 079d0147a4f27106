//! Every live task, by id: for /proc, the debugger, and to keep each task
//! alive until its executor disposes of it.
//!
//! The registry holds a strong reference to every task that has not
//! completed. So the last reference to a task whose future still exists can
//! never be dropped by a waker in some wait queue or interrupt handler: only
//! the executor's `Dispose` step removes the entry, after it has dropped the
//! future itself. A task that nobody will ever wake stays listed (and
//! visible to `weft ps`) instead of vanishing.
//!
//! Sharded by id to keep spawn and exit on different CPUs off one lock.
//! Each shard's lock is a leaf: nothing else is locked while it is held.
//!
//! Kernel tasks (those that run no user thread) are also kept in a map of
//! their own: /proc lists them beside the processes, and a machine of
//! 100,000 user threads has a few dozen of them. Its lock is a leaf too.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::{Task, TaskId, TaskRef};

const SHARDS: usize = 16;

/// The live-task map.
pub(crate) struct Registry {
    shards: [ksync::SpinLock<BTreeMap<u64, Arc<Task>>>; SHARDS],
    kernel: ksync::SpinLock<BTreeMap<u64, Arc<Task>>>,
}

impl Registry {
    pub(crate) fn new() -> Self {
        Self { shards: core::array::from_fn(|_| ksync::SpinLock::new(BTreeMap::new())), kernel: ksync::SpinLock::new(BTreeMap::new()) }
    }

    fn shard(&self, id: TaskId) -> &ksync::SpinLock<BTreeMap<u64, Arc<Task>>> {
        &self.shards[id.0 as usize % SHARDS]
    }

    pub(crate) fn insert(&self, task: &Arc<Task>) {
        let old = self.shard(task.id).lock().insert(task.id.0, task.clone());
        debug_assert!(old.is_none());
        if !task.user_thread {
            self.kernel.lock().insert(task.id.0, task.clone());
        }
    }

    /// Removes a completed task. The returned reference is dropped by the
    /// caller (the executor), outside the shard lock.
    pub(crate) fn remove(&self, id: TaskId) -> Option<Arc<Task>> {
        let task = self.shard(id).lock().remove(&id.0)?;
        // Dropped by the caller too, outside the lock.
        let _kernel = if task.user_thread { None } else { self.kernel.lock().remove(&id.0) };
        Some(task)
    }

    pub(crate) fn get(&self, id: TaskId) -> Option<TaskRef> {
        self.shard(id).lock().get(&id.0).cloned().map(TaskRef)
    }

    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len()).sum()
    }

    /// A snapshot of the live kernel tasks, in id order: O(kernel tasks).
    pub(crate) fn kernel_snapshot(&self) -> Vec<TaskRef> {
        self.kernel.lock().values().cloned().map(TaskRef).collect()
    }

    /// A snapshot of every live task, in id order.
    pub(crate) fn snapshot(&self) -> Vec<TaskRef> {
        let mut all: Vec<TaskRef> = Vec::new();
        for shard in &self.shards {
            all.extend(shard.lock().values().cloned().map(TaskRef));
        }
        all.sort_by_key(|t| t.id());
        all
    }
}
