//! The per-CPU executor loop.
//!
//! ```text
//! run(cpu) = loop {
//!     run_once(cpu):  1. RCU quiescent point (we hold nothing from a poll)
//!                     2. fire this CPU's expired timers
//!                     3. run RCU callbacks whose grace period has ended
//!                     4. take one task (own queue, else steal) and poll it
//!     if nothing was done: idle(cpu)  (haltpoll window, then Platform::idle)
//! }
//! ```
//!
//! One task per iteration keeps timers and RCU checked between polls; a
//! task that yields goes to the back of its queue.

mod fair;
mod fifo;
mod idle;
mod place;
mod queue;
mod share;

use alloc::sync::Arc;
use core::sync::atomic::Ordering::Relaxed;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64};
use core::task::{Context, Poll, Waker};

pub(crate) use fair::FairEntity;
pub(crate) use idle::HaltPoll;
pub(crate) use queue::NOT_QUEUED;
pub(crate) use share::RtBudget;
use queue::RunQueue;

use crate::loom::sync::{AtomicUsize, Ordering, SpinLock};
use crate::task::Task;
use crate::task::state::{TransitionToComplete, TransitionToIdle, TransitionToRunning};
use crate::tick::TickState;
use crate::time::Timers;
use crate::{Config, Runtime};

/// One CPU's executor state.
///
/// `queue` and `queue_len` are shared (wakers on any CPU push, thieves
/// pop); `current`, `slice_start` and `sync_wake` are written by the CPU
/// itself and read by others only for introspection. `need_resched` is
/// set by the CPU's tick, by `set_affinity`, and under the queue lock by a
/// push that outranks `running_rank`; it is cleared under the queue lock
/// when the next task is picked, so a preemption request for the task
/// that was picked is never lost and never lands on a later one. `timers`
/// has its own lock.
pub(crate) struct Cpu {
    /// Lock order: timers -> queue -> task.next.
    queue: SpinLock<RunQueue>,
    /// `queue.len()`, readable without the lock; changed only under it,
    /// with read-modify-writes (the halting protocol relies on that).
    pub(crate) queue_len: AtomicUsize,
    /// Published under the queue lock, read without it (tick, placement):
    /// the rank of the task picked last (`NO_TASK` after its poll), the
    /// best queued rank (`NO_TASK`: none), the smallest queued virtual
    /// runtime, and the fair floor (`fair.rs`).
    pub(crate) running_rank: AtomicU32,
    pub(crate) best_queued_rank: AtomicU32,
    pub(crate) fair_leftmost: AtomicU64,
    pub(crate) fair_or_idle_queued: AtomicBool,
    pub(crate) min_vruntime: AtomicU64,
    /// Real-time CPU time in the current throttling period (`rt_throttled`).
    pub(crate) rt_budget: RtBudget,
    /// The task being polled here (for `current_task`).
    pub(crate) current: ksync::SpinLock<Option<Arc<Task>>>,
    /// Its id, 0 when none: lock-free, for `tick` and introspection.
    pub(crate) current_id: AtomicU64,
    /// When the current poll started (`Platform::now_ns`).
    pub(crate) slice_start: AtomicU64,
    /// The current task should give the CPU back (affinity change).
    pub(crate) need_resched: crate::loom::sync::AtomicBool,
    /// Wakes issued by this CPU place the woken task here (`wake_sync`).
    pub(crate) sync_wake: AtomicBool,
    pub(crate) timers: Timers,
    pub(crate) tick: TickState,
    pub(crate) haltpoll: HaltPoll,
    pub(crate) stats: CpuStats,
}

/// Counters shown by `cpu_info`.
#[derive(Default)]
pub(crate) struct CpuStats {
    pub(crate) polls: AtomicU64,
    pub(crate) steals: AtomicU64,
    pub(crate) halts: AtomicU64,
    /// Nanoseconds spent in `idle` (polling window and halt): what
    /// /proc/stat and /proc/uptime report as idle time.
    pub(crate) idle_ns: AtomicU64,
}

impl Cpu {
    pub(crate) fn new(config: &Config) -> Self {
        Self {
            queue: SpinLock::new(RunQueue::new()),
            queue_len: AtomicUsize::new(0),
            running_rank: AtomicU32::new(NO_TASK),
            best_queued_rank: AtomicU32::new(NO_TASK),
            fair_leftmost: AtomicU64::new(u64::MAX),
            fair_or_idle_queued: AtomicBool::new(false),
            min_vruntime: AtomicU64::new(0),
            rt_budget: RtBudget::new(),
            current: ksync::SpinLock::new(None),
            current_id: AtomicU64::new(0),
            slice_start: AtomicU64::new(0),
            need_resched: crate::loom::sync::AtomicBool::new(false),
            sync_wake: AtomicBool::new(false),
            timers: Timers::new(),
            tick: TickState::new(),
            haltpoll: HaltPoll::new(config),
            stats: CpuStats::default(),
        }
    }

    /// Publishes what others read without the lock.
    fn publish(&self, queue: &RunQueue) {
        self.best_queued_rank.store(queue.best_rank().unwrap_or(NO_TASK), Relaxed);
        self.fair_leftmost.store(queue.fair.leftmost_vruntime(), Relaxed);
        self.fair_or_idle_queued.store(queue.non_rt_len() > 0, Relaxed);
    }

    /// Raises the fair floor to `v` if it is higher. Only the CPU itself
    /// calls this (after its poll, or picking its next task), so a plain
    /// load and store suffice.
    pub(crate) fn raise_floor(&self, v: u64) {
        if v > self.min_vruntime.load(Relaxed) {
            self.min_vruntime.store(v, Relaxed);
        }
    }
}

/// `Cpu::running_rank` between polls, `best_queued_rank` of an empty queue.
pub(crate) const NO_TASK: u32 = u32::MAX;

/// What a push did.
pub(crate) struct Pushed {
    /// The queue length before.
    pub(crate) before: usize,
    /// The task outranks the one picked last on that CPU: `need_resched`
    /// was set there.
    pub(crate) preempts: bool,
}

impl Runtime {
    /// Appends a task (its NOTIFIED bit set by the caller's transition) to
    /// `cpu`'s queue; `yielded`: it was woken during its own poll.
    pub(crate) fn push_to(&self, cpu: usize, task: Arc<Task>, yielded: bool) -> Pushed {
        let c = &self.cpus[cpu];
        let mut queue = c.queue.lock();
        let floor = c.min_vruntime.load(Relaxed);
        let rank = queue.push(task, cpu, floor, |other| self.cpus[other].min_vruntime.load(Relaxed), yielded);
        let running = c.running_rank.load(Relaxed);
        let preempts = running != NO_TASK && rank > running;
        if preempts {
            c.need_resched.store(true, Relaxed);
        }
        c.publish(&queue);
        let before = c.queue_len.fetch_add(1, Ordering::AcqRel);
        Pushed { before, preempts }
    }

    /// Takes `cpu`'s most urgent task and makes it the one running there.
    pub(crate) fn pop_from(&self, cpu: usize) -> Option<Arc<Task>> {
        let c = &self.cpus[cpu];
        if c.queue_len.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut queue = c.queue.lock();
        let task = queue.pop(self.rt_throttled(cpu))?;
        c.queue_len.fetch_sub(1, Ordering::AcqRel);
        self.picked(c, &queue, &task);
        Some(task)
    }

    /// Takes a task that may run on `thief` from `victim`'s queue.
    pub(crate) fn steal_from(&self, victim: usize, thief: usize) -> Option<Arc<Task>> {
        let v = &self.cpus[victim];
        let mut queue = v.queue.lock();
        let task = queue.remove_best(|t| t.affinity.load(Relaxed) & (1 << thief) != 0)?;
        v.queue_len.fetch_sub(1, Ordering::AcqRel);
        v.publish(&queue);
        Some(task)
    }

    /// A stolen `task` is the one running on `cpu` next: its virtual
    /// runtime moves onto this CPU's clock before it runs and is charged
    /// here.
    pub(crate) fn run_stolen(&self, cpu: usize, task: &Task) {
        let c = &self.cpus[cpu];
        let queue = c.queue.lock();
        task.fair.rebase(cpu, c.min_vruntime.load(Relaxed), |other| self.cpus[other].min_vruntime.load(Relaxed));
        self.picked(c, &queue, task);
    }

    /// Under `c`'s queue lock: `task` is the one running there next.
    fn picked(&self, c: &Cpu, queue: &RunQueue, task: &Task) {
        let class = task.sched.load();
        let rank = class.rank();
        c.running_rank.store(rank, Relaxed);
        // Something queued meanwhile (while it was stolen) may outrank it.
        let outranked = queue.best_rank().is_some_and(|best| best > rank);
        c.need_resched.store(outranked, Relaxed);
        if !class.is_real_time() {
            c.raise_floor(task.fair.vruntime());
        }
        c.publish(queue);
    }

    /// Takes `task` out of `cpu`'s queue if it is there (a class change).
    pub(crate) fn unqueue(&self, cpu: usize, task: &Task) -> Option<Arc<Task>> {
        let c = &self.cpus[cpu];
        let mut queue = c.queue.lock();
        let task = queue.remove(task, cpu)?;
        c.queue_len.fetch_sub(1, Ordering::AcqRel);
        c.publish(&queue);
        Some(task)
    }
}

impl Runtime {
    /// The executor loop of the calling CPU; never returns.
    pub fn run(&'static self) -> ! {
        let cpu = self.this_cpu().expect("run_executor called on a CPU the runtime does not know");
        loop {
            if !self.run_once(cpu) {
                self.idle(cpu);
            }
        }
    }

    /// Runs the calling CPU's executor until it finds nothing to do
    /// (never idles); returns the number of polls. For tests and for early
    /// boot code that wants queued tasks to make progress.
    pub fn run_until_idle(&'static self) -> usize {
        let cpu = self.this_cpu().expect("run_until_idle called on a CPU the runtime does not know");
        assert_eq!(self.cpus[cpu].current_id.load(Relaxed), 0, "run_until_idle called from inside a task");
        let before = self.cpus[cpu].stats.polls.load(Relaxed);
        while self.run_once(cpu) {}
        (self.cpus[cpu].stats.polls.load(Relaxed) - before) as usize
    }

    /// One iteration of the executor loop; returns whether it did anything.
    pub(crate) fn run_once(&'static self, cpu: usize) -> bool {
        self.rcu.quiescent(cpu);
        let mut worked = self.fire_timers(cpu) > 0;
        worked |= self.rcu.run_callbacks() > 0;
        if let Some(task) = self.next_task(cpu) {
            self.run_task(cpu, task);
            worked = true;
        }
        worked
    }

    /// Whether this CPU has work of its own (not counting stealable work).
    /// The queue length is read with a read-modify-write: see `idle.rs`.
    pub(crate) fn has_local_work(&self, cpu: usize) -> bool {
        let c = &self.cpus[cpu];
        c.queue_len.fetch_add(0, Ordering::AcqRel) > 0 || c.timers.due(self.now_ns()) || self.rcu.callbacks_ready()
    }

    /// The end of edge 7: the future is gone; forget the task and tell
    /// its joiner, placing it here (this CPU is about to be free).
    fn dispose(&'static self, task: Arc<Task>) {
        drop(self.registry.remove(task.id));
        if let Some(joiner) = task.join.as_ref().and_then(|join| join.task_disposed()) {
            self.wake_sync(|| joiner.wake());
        }
    }

    /// Edges 2, 5, 6 and 7 of the task lifecycle.
    pub(crate) fn run_task(&'static self, cpu: usize, task: Arc<Task>) {
        let c = &self.cpus[cpu];
        match task.state.transition_to_running() {
            TransitionToRunning::Poll => {}
            TransitionToRunning::Skip => {
                c.running_rank.store(NO_TASK, Relaxed);
                return;
            }
        }
        *c.current.lock() = Some(task.clone());
        c.current_id.store(task.id.0, Relaxed);
        let now = self.now_ns();
        c.slice_start.store(now, Relaxed);
        self.arm_for_poll(cpu, now, task.user_thread);
        c.stats.polls.fetch_add(1, Relaxed);
        task.polls.fetch_add(1, Relaxed);

        // RUNNING makes us the only one who touches the future; it is taken
        // out so that no lock is held (interrupts stay on) during the poll.
        let mut future = task.take_future();
        let waker = Waker::from(task.clone());
        let poll = future.as_mut().poll(&mut Context::from_waker(&waker));
        drop(waker);

        c.current_id.store(0, Relaxed);
        c.running_rank.store(NO_TASK, Relaxed);
        let me = c.current.lock().take();
        drop(me);
        self.charge(cpu, &task, self.now_ns().saturating_sub(now));

        match poll {
            Poll::Ready(()) => {
                // Deferred disposal: the executor, not the task, drops the
                // future, on the executor's stack, after the poll returned.
                drop(future);
                match task.state.transition_to_complete() {
                    TransitionToComplete::Dispose => self.dispose(task),
                }
            }
            Poll::Pending => {
                // Must come before transition_to_idle: the next poller may
                // start as soon as the state says the task is not running.
                task.put_future(future);
                match task.state.transition_to_idle() {
                    TransitionToIdle::Idle => {}
                    TransitionToIdle::Requeue => self.requeue(cpu, task),
                }
            }
        }
    }
}
