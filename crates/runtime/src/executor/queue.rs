//! One CPU's run queue: a FIFO per real-time priority, then the fair heap
//! (Linux's class order: rt_sched_class, fair_sched_class). SCHED_IDLE
//! tasks are in the fair heap at Linux's weight 3, as in Linux's CFS.
//!
//! Picking the next task is O(1) for real-time (a bitmap of non-empty
//! levels) and O(log n) for fair ones (`fair.rs`).
//!
//! A task is in at most one queue because only the holder of its NOTIFIED
//! "ticket" (a `Submit` or `Requeue` action) may push it; `enqueued`
//! checks that at every push. Which list of which CPU holds it is recorded
//! in the task (`queued_rank`, `queued_on`) under that queue's lock, so a
//! class change can take it out and put it back in the right place.

use alloc::sync::Arc;
use core::sync::atomic::Ordering::Relaxed;

use super::fair::{FairQueue, STEAL_SCAN};
use super::fifo::Fifo;
use crate::sched::{RANK_FAIR, RT_LEVELS, SchedClass};
use crate::task::Task;

/// `Task::queued_on` of a task in no queue.
pub(crate) const NOT_QUEUED: usize = usize::MAX;

pub(crate) struct RunQueue {
    /// `rt[p - 1]`: real-time tasks of priority p.
    rt: [Fifo; RT_LEVELS],
    /// Bit p - 1 set when `rt[p - 1]` is not empty.
    rt_levels: u128,
    pub(crate) fair: FairQueue,
}

impl RunQueue {
    pub(crate) const fn new() -> Self {
        Self { rt: [const { Fifo::new() }; RT_LEVELS], rt_levels: 0, fair: FairQueue::new() }
    }

    /// Queued fair and idle tasks.
    pub(crate) fn non_rt_len(&self) -> usize {
        self.fair.len()
    }

    /// The rank of the most urgent queued task (None: empty).
    pub(crate) fn best_rank(&self) -> Option<u32> {
        if self.rt_levels != 0 {
            Some(RANK_FAIR + 128 - self.rt_levels.leading_zeros())
        } else if self.fair.len() > 0 {
            Some(RANK_FAIR)
        } else {
            None
        }
    }

    /// Queues `task` on CPU `cpu` by its current class; `floor`,
    /// `floor_of` and `yielded` are for the fair order (see `fair.rs`).
    /// Returns its rank.
    pub(crate) fn push(&mut self, task: Arc<Task>, cpu: usize, floor: u64, floor_of: impl Fn(usize) -> u64, yielded: bool) -> u32 {
        assert!(!task.enqueued.swap(true, Relaxed), "task {} queued twice", task.id);
        let class = task.sched.load();
        let rank = class.rank();
        // The list it is in: idle tasks share the fair heap.
        task.queued_rank.store(rank.max(RANK_FAIR), Relaxed);
        task.queued_on.store(cpu, Relaxed);
        match class {
            SchedClass::RealTime { .. } => {
                let level = (rank - RANK_FAIR - 1) as usize;
                self.rt[level].push_back(task);
                self.rt_levels |= 1 << level;
            }
            SchedClass::Fair { .. } | SchedClass::Idle => self.fair.push(task, cpu, floor, floor_of, yielded),
        }
        rank
    }

    /// Takes the most urgent task; `skip_rt`: leave real-time tasks (their
    /// CPU share is used up, see `Runtime::rt_throttled`) unless nothing
    /// else is queued.
    pub(crate) fn pop(&mut self, skip_rt: bool) -> Option<Arc<Task>> {
        let rt_first = self.rt_levels != 0 && (!skip_rt || self.non_rt_len() == 0);
        let task = if rt_first {
            let level = 127 - self.rt_levels.leading_zeros() as usize;
            let task = self.rt[level].pop_front();
            self.rt_emptied(level);
            task
        } else {
            self.fair.pop()
        }?;
        Some(self.taken(task))
    }

    /// Takes `task` out if it is queued here.
    pub(crate) fn remove(&mut self, task: &Task, cpu: usize) -> Option<Arc<Task>> {
        if !task.enqueued.load(Relaxed) || task.queued_on.load(Relaxed) != cpu {
            return None;
        }
        let rank = task.queued_rank.load(Relaxed);
        let removed = match rank {
            RANK_FAIR => self.fair.remove(task),
            _ => {
                let level = (rank - RANK_FAIR - 1) as usize;
                let removed = self.rt[level].remove_first(|t| core::ptr::eq(t, task));
                self.rt_emptied(level);
                removed
            }
        }?;
        Some(self.taken(removed))
    }

    /// Takes the most urgent task `accept` takes, looking at no more than
    /// `STEAL_SCAN` tasks of each list (stealing: see `FairQueue::remove_best`).
    pub(crate) fn remove_best(&mut self, accept: impl Fn(&Task) -> bool) -> Option<Arc<Task>> {
        let mut levels = self.rt_levels;
        while levels != 0 {
            let level = 127 - levels.leading_zeros() as usize;
            if let Some(task) = self.rt[level].remove_first_within(STEAL_SCAN, &accept) {
                self.rt_emptied(level);
                return Some(self.taken(task));
            }
            levels &= !(1 << level);
        }
        let task = self.fair.remove_best(&accept)?;
        Some(self.taken(task))
    }

    fn rt_emptied(&mut self, level: usize) {
        if self.rt[level].is_empty() {
            self.rt_levels &= !(1 << level);
        }
    }

    fn taken(&mut self, task: Arc<Task>) -> Arc<Task> {
        task.enqueued.store(false, Relaxed);
        task.queued_on.store(NOT_QUEUED, Relaxed);
        task
    }
}
