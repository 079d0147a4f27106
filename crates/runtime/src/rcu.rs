//! Deferred freeing after a grace period, RCU-style.
//!
//! A *quiescent point* is a CPU's return to its executor loop: between two
//! polls it holds nothing it found inside a poll. An idle CPU is in an
//! extended quiescent state for as long as it is idle (Linux's dyntick-idle),
//! so it does not hold up grace periods. A *grace period* ends when every
//! CPU that was not idle when it started has passed a quiescent point since.
//! A callback given to `call_rcu` runs after a whole grace period that
//! started after the call, i.e. after every CPU stopped using whatever the
//! caller unlinked before calling.
//!
//! Bookkeeping (all under `state`'s lock except the fast-path reads):
//! `completed` counts finished grace periods; a callback queued while none
//! is in progress waits for `completed + 1`, one queued during a grace
//! period waits for `completed + 2` (the one in progress started before the
//! call). `pending` holds the CPUs that still owe a quiescent state.
//!
//! The start of a grace period and a CPU going idle race like the halting
//! protocol (see `executor/idle.rs`): the starter writes `pending` then
//! reads `idle`, the CPU writes `idle` then reads `pending`, all with
//! read-modify-writes, so either the starter sees the CPU idle and does not
//! wait for it, or the CPU sees that it owes a quiescent state and reports
//! it before halting.
//!
//! Callbacks run on whichever CPU's executor loop finds them ready, outside
//! any task poll and outside the lock, in the order they were queued.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::sync::Arc;

use crate::loom::sync::{AtomicU64, Ordering, SpinLock};
use crate::sync::Event;
use crate::Runtime;

/// A deferred callback.
pub type RcuCallback = Box<dyn FnOnce() + Send + 'static>;

struct RcuState {
    completed: u64,
    in_progress: bool,
    /// (grace period to wait for, callback), targets non-decreasing.
    callbacks: VecDeque<(u64, RcuCallback)>,
}

/// The grace-period machine of one runtime.
pub(crate) struct Rcu {
    /// Leaf lock.
    state: SpinLock<RcuState>,
    /// CPUs that owe a quiescent state to the grace period in progress.
    pending: AtomicU64,
    /// CPUs in the extended quiescent state (idle).
    idle: AtomicU64,
    /// Copy of `state.completed` for the fast path.
    completed: AtomicU64,
    /// Target of the oldest callback, `u64::MAX` if none.
    next_target: AtomicU64,
    online: u64,
}

impl Rcu {
    pub(crate) fn new(online: u64) -> Self {
        Self {
            state: SpinLock::new(RcuState { completed: 0, in_progress: false, callbacks: VecDeque::new() }),
            pending: AtomicU64::new(0),
            idle: AtomicU64::new(0),
            completed: AtomicU64::new(0),
            next_target: AtomicU64::new(u64::MAX),
            online,
        }
    }

    pub(crate) fn call(&self, callback: RcuCallback) {
        let mut s = self.state.lock();
        let target = s.completed + if s.in_progress { 2 } else { 1 };
        if s.callbacks.is_empty() {
            self.next_target.store(target, Ordering::Release);
        }
        s.callbacks.push_back((target, callback));
        if !s.in_progress {
            self.start_grace_period(&mut s);
        }
    }

    /// Caller holds the lock.
    fn start_grace_period(&self, s: &mut RcuState) {
        loop {
            s.in_progress = true;
            self.pending.swap(self.online, Ordering::AcqRel);
            let idle = self.idle.fetch_or(0, Ordering::AcqRel);
            if self.pending.fetch_and(!idle, Ordering::AcqRel) & !idle != 0 {
                return;
            }
            // Every CPU is idle: the grace period is over at once.
            if !self.end_grace_period(s) {
                return;
            }
        }
    }

    /// Caller holds the lock. Returns whether another grace period is needed.
    fn end_grace_period(&self, s: &mut RcuState) -> bool {
        s.completed += 1;
        s.in_progress = false;
        self.completed.store(s.completed, Ordering::Release);
        s.callbacks.back().is_some_and(|(target, _)| *target > s.completed)
    }

    /// A quiescent point of `cpu`.
    pub(crate) fn quiescent(&self, cpu: usize) {
        let bit = 1u64 << cpu;
        if self.pending.load(Ordering::Acquire) & bit == 0 {
            return;
        }
        let mut s = self.state.lock();
        let before = self.pending.fetch_and(!bit, Ordering::AcqRel);
        if s.in_progress && before == bit && self.end_grace_period(&mut s) {
            self.start_grace_period(&mut s);
        }
    }

    pub(crate) fn enter_idle(&self, cpu: usize) {
        let bit = 1u64 << cpu;
        self.quiescent(cpu);
        self.idle.fetch_or(bit, Ordering::AcqRel);
        if self.pending.fetch_or(0, Ordering::AcqRel) & bit != 0 {
            self.quiescent(cpu);
        }
    }

    pub(crate) fn exit_idle(&self, cpu: usize) {
        self.idle.fetch_and(!(1u64 << cpu), Ordering::AcqRel);
    }

    pub(crate) fn callbacks_ready(&self) -> bool {
        self.completed.load(Ordering::Acquire) >= self.next_target.load(Ordering::Acquire)
    }

    /// Runs every callback whose grace period is over; returns how many.
    pub(crate) fn run_callbacks(&self) -> usize {
        let mut ran = 0;
        while self.callbacks_ready() {
            let callback = {
                let mut s = self.state.lock();
                match s.callbacks.front() {
                    Some((target, _)) if *target <= s.completed => {}
                    _ => break,
                }
                let (_, callback) = s.callbacks.pop_front().expect("checked above");
                self.next_target.store(s.callbacks.front().map_or(u64::MAX, |(t, _)| *t), Ordering::Release);
                callback
            };
            callback();
            ran += 1;
        }
        ran
    }

    /// Grace periods completed so far.
    pub(crate) fn completed(&self) -> u64 {
        self.completed.load(Ordering::Acquire)
    }
}

impl Runtime {
    /// Runs `callback` after a grace period: once every CPU has returned
    /// to its executor loop (or idled) since this call. Use it to free
    /// what readers inside polls may still see.
    pub fn call_rcu(&self, callback: RcuCallback) {
        self.rcu.call(callback);
    }

    /// Waits until every callback queued by `call_rcu` before this call has
    /// run (so also for a full grace period).
    pub async fn rcu_barrier(&'static self) {
        let done = Arc::new(Event::new());
        let signal = done.clone();
        self.call_rcu(Box::new(move || {
            signal.set();
        }));
        done.wait().await;
    }

    /// Reports a quiescent state of the calling CPU from outside the
    /// executor loop. Call only where the CPU holds no reference obtained
    /// in an RCU-protected section, e.g. on a trap from user mode, so that
    /// a CPU running one user thread for a long time does not hold up grace
    /// periods.
    pub fn quiescent_state(&self) {
        if let Some(cpu) = self.this_cpu() {
            self.rcu.quiescent(cpu);
        }
    }

    /// Grace periods completed so far (for tests and statistics).
    pub fn grace_periods(&self) -> u64 {
        self.rcu.completed()
    }
}
