//! A FIFO of tasks linked through the tasks themselves, so pushing
//! allocates nothing (a wake from an interrupt handler never reaches the
//! heap). Each real-time priority level is such a list (fair and idle
//! tasks are in the fair heap, `fair.rs`).
//!
//! The link (`Task::next`) is a `SpinLock<Option<Arc<Task>>>`: the lock is
//! only taken while the run queue's own lock is held, so it is never
//! contended; it is there to give interior mutability without `unsafe`.

use alloc::sync::Arc;
use crate::task::Task;

/// A FIFO of tasks. Guarded by the owning CPU's queue lock.
pub(crate) struct Fifo {
    head: Option<Arc<Task>>,
    tail: Option<Arc<Task>>,
    len: usize,
}

impl Fifo {
    pub(crate) const fn new() -> Self {
        Self { head: None, tail: None, len: 0 }
    }

    pub(crate) fn push_back(&mut self, task: Arc<Task>) {
        debug_assert!(task.next.lock().is_none());
        match self.tail.replace(task.clone()) {
            Some(old_tail) => *old_tail.next.lock() = Some(task),
            None => self.head = Some(task),
        }
        self.len += 1;
    }

    pub(crate) fn pop_front(&mut self) -> Option<Arc<Task>> {
        let head = self.head.take()?;
        self.head = head.next.lock().take();
        if self.head.is_none() {
            self.tail = None;
        }
        self.len -= 1;
        Some(head)
    }

    /// Unlinks and returns the first task `accept` takes.
    pub(crate) fn remove_first(&mut self, accept: impl FnMut(&Task) -> bool) -> Option<Arc<Task>> {
        self.remove_first_within(usize::MAX, accept)
    }

    /// Unlinks and returns the first task `accept` takes among the first
    /// `limit` (a thief's bounded look, see `FairQueue::remove_best`).
    pub(crate) fn remove_first_within(&mut self, limit: usize, mut accept: impl FnMut(&Task) -> bool) -> Option<Arc<Task>> {
        if limit == 0 {
            return None;
        }
        if accept(self.head.as_deref()?) {
            return self.pop_front();
        }
        let mut prev = self.head.clone()?;
        for _ in 1..limit {
            let cur = prev.next.lock().clone()?;
            if accept(&cur) {
                let after = cur.next.lock().take();
                if after.is_none() {
                    self.tail = Some(prev.clone());
                }
                *prev.next.lock() = after;
                self.len -= 1;
                return Some(cur);
            }
            prev = cur;
        }
        None
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}
