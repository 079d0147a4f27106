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

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::{Task, TaskId, TaskRef};

const SHARDS: usize = 16;

/// The live-task map.
pub(crate) struct Registry {
    shards: [ksync::SpinLock<BTreeMap<u64, Arc<Task>>>; SHARDS],
}

impl Registry {
    pub(crate) fn new() -> Self {
        Self { shards: core::array::from_fn(|_| ksync::SpinLock::new(BTreeMap::new())) }
    }

    fn shard(&self, id: TaskId) -> &ksync::SpinLock<BTreeMap<u64, Arc<Task>>> {
        &self.shards[id.0 as usize % SHARDS]
    }

    pub(crate) fn insert(&self, task: &Arc<Task>) {
        let old = self.shard(task.id).lock().insert(task.id.0, task.clone());
        debug_assert!(old.is_none());
    }

    /// Removes a completed task. The returned reference is dropped by the
    /// caller (the executor), outside the shard lock.
    pub(crate) fn remove(&self, id: TaskId) -> Option<Arc<Task>> {
        self.shard(id).lock().remove(&id.0)
    }

    pub(crate) fn get(&self, id: TaskId) -> Option<TaskRef> {
        self.shard(id).lock().get(&id.0).cloned().map(TaskRef)
    }

    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len()).sum()
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
