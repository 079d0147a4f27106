//! Sharing a CPU between its tasks: charging CPU time, deciding when the
//! running task gives way, and capping real-time tasks.
//!
//! When the running task gives way (`slice_over`, asked by the tick and by
//! cooperative `should_yield` checks):
//!
//! | running   | gives way when                                                        |
//! |-----------|-----------------------------------------------------------------------|
//! | any       | a more urgent task is queued here (higher rank), or `need_resched`    |
//! | SCHED_FIFO| only then (it runs until it blocks or yields), or its budget is spent |
//! | SCHED_RR  | also after `RR_INTERVAL_NS` when a task of its priority is queued     |
//! | fair      | also after a slice when a queued fair task's virtual runtime is below its own |
//! | idle      | to any fair task at once; after a slice when anything is queued      |
//!
//! A wake of a more urgent task does not wait for the tick: the push sets
//! `need_resched` on the target CPU and interrupts it (`place.rs`).
//!
//! Real-time throttling (Linux's sched_rt_runtime_us = 950000 of
//! sched_rt_period_us = 1000000, per CPU): in each aligned one-second
//! period, real-time tasks on a CPU get at most 950 ms while fair or idle
//! tasks are queued there; then those run until the period ends. A runaway
//! SCHED_FIFO loop therefore cannot starve the shell or the kernel's own
//! tasks. Unlike Linux, a throttled CPU with nothing else to run keeps
//! running its real-time tasks instead of idling.

use alloc::sync::Arc;
use core::sync::atomic::AtomicU64;
use core::sync::atomic::Ordering::Relaxed;

use super::NO_TASK;
use super::fair::scale;
use crate::Runtime;
use crate::sched::{IDLE_WEIGHT, RANK_FAIR, RR_INTERVAL_NS, SchedClass};
use crate::task::Task;

/// Linux's sched_rt_period_us and sched_rt_runtime_us defaults.
const RT_PERIOD_NS: u64 = 1_000_000_000;
const RT_RUNTIME_NS: u64 = 950_000_000;

/// Real-time CPU time in the current period of one CPU. Written only by
/// that CPU.
pub(crate) struct RtBudget {
    period: AtomicU64,
    used_ns: AtomicU64,
}

impl RtBudget {
    pub(crate) const fn new() -> Self {
        Self { period: AtomicU64::new(0), used_ns: AtomicU64::new(0) }
    }

    /// Real-time time used in the period containing `now`, counting
    /// `running_ns` of a poll still going on.
    fn used(&self, now: u64, running_ns: u64) -> u64 {
        let period = now / RT_PERIOD_NS;
        let before = if self.period.load(Relaxed) == period { self.used_ns.load(Relaxed) } else { 0 };
        before.saturating_add(running_ns.min(now % RT_PERIOD_NS))
    }

    fn charge(&self, now: u64, ran_ns: u64) {
        let period = now / RT_PERIOD_NS;
        if self.period.swap(period, Relaxed) != period {
            self.used_ns.store(0, Relaxed);
        }
        self.used_ns.fetch_add(ran_ns.min(now % RT_PERIOD_NS), Relaxed);
    }
}

impl Runtime {
    /// After a poll of `ran_ns` on `cpu`: the task's CPU time, virtual
    /// runtime, the fair floor, and the real-time budget.
    pub(crate) fn charge(&self, cpu: usize, task: &Task, ran_ns: u64) {
        let c = &self.cpus[cpu];
        match task.sched.load() {
            SchedClass::Fair { weight } => {
                let v = task.fair.charge(ran_ns, Some(weight));
                c.raise_floor(v.min(c.fair_leftmost.load(Relaxed)));
            }
            SchedClass::Idle => {
                let v = task.fair.charge(ran_ns, Some(IDLE_WEIGHT));
                c.raise_floor(v.min(c.fair_leftmost.load(Relaxed)));
            }
            SchedClass::RealTime { .. } => {
                task.fair.charge(ran_ns, None);
                c.rt_budget.charge(self.now_ns(), ran_ns);
            }
        }
    }

    /// Whether `cpu`'s real-time tasks have used up this period's share
    /// (only matters while something else is queued there).
    pub(crate) fn rt_throttled(&self, cpu: usize) -> bool {
        self.cpus[cpu].rt_budget.used(self.now_ns(), 0) >= RT_RUNTIME_NS
    }

    /// Whether the task polled on `cpu` should give the CPU back (the table
    /// in the module doc).
    pub(crate) fn slice_over(&self, cpu: usize) -> bool {
        let c = &self.cpus[cpu];
        if c.need_resched.load(Relaxed) {
            return true;
        }
        let Some(task) = c.current.try_lock().and_then(|current| current.clone()) else {
            return false;
        };
        let now = self.now_ns();
        let ran = now.saturating_sub(c.slice_start.load(Relaxed));
        self.gives_way(cpu, &task, now, ran)
    }

    fn gives_way(&self, cpu: usize, task: &Arc<Task>, now: u64, ran: u64) -> bool {
        let c = &self.cpus[cpu];
        let best = c.best_queued_rank.load(Relaxed);
        let class = task.sched.load();
        let rank = class.rank();
        let others_queued = best != NO_TASK;
        if others_queued && best > rank && (best <= RANK_FAIR || !self.rt_throttled(cpu)) {
            return true;
        }
        let slice_done = ran >= self.config.slice_ns;
        match class {
            SchedClass::RealTime { round_robin, .. } => {
                let non_rt_queued = c.fair_or_idle_queued.load(Relaxed);
                (non_rt_queued && c.rt_budget.used(now, ran) >= RT_RUNTIME_NS)
                    || (round_robin && ran >= RR_INTERVAL_NS && best == rank)
            }
            SchedClass::Fair { weight } => {
                let mine = task.fair.vruntime().saturating_add(scale(ran, weight));
                slice_done && (c.fair_leftmost.load(Relaxed) < mine || c.timers.due(now))
            }
            SchedClass::Idle => slice_done && (others_queued || c.timers.due(now)),
        }
    }
}
