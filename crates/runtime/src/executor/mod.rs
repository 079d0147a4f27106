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

mod idle;
mod place;
mod queue;

use alloc::sync::Arc;
use core::sync::atomic::Ordering::Relaxed;
use core::sync::atomic::{AtomicBool, AtomicU64};
use core::task::{Context, Poll, Waker};

pub(crate) use idle::HaltPoll;
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
/// pop); `current`, `slice_start`, `need_resched` and `sync_wake` are
/// written by the CPU itself (`need_resched` also by `set_affinity`) and
/// read by others only for introspection. `timers` has its own lock.
pub(crate) struct Cpu {
    /// Lock order: timers -> queue -> task.next.
    queue: SpinLock<RunQueue>,
    /// `queue.len()`, readable without the lock; changed only under it,
    /// with read-modify-writes (the halting protocol relies on that).
    pub(crate) queue_len: AtomicUsize,
    /// The task being polled here (for `current_task`).
    pub(crate) current: ksync::SpinLock<Option<Arc<Task>>>,
    /// Its id, 0 when none: lock-free, for `tick` and introspection.
    pub(crate) current_id: AtomicU64,
    /// When the current poll started (`Platform::now_ns`).
    pub(crate) slice_start: AtomicU64,
    /// The current task should give the CPU back (affinity change).
    pub(crate) need_resched: AtomicBool,
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
            current: ksync::SpinLock::new(None),
            current_id: AtomicU64::new(0),
            slice_start: AtomicU64::new(0),
            need_resched: AtomicBool::new(false),
            sync_wake: AtomicBool::new(false),
            timers: Timers::new(),
            tick: TickState::new(),
            haltpoll: HaltPoll::new(config),
            stats: CpuStats::default(),
        }
    }

    /// Appends a task (its NOTIFIED bit set by the caller's transition);
    /// returns the queue length before.
    pub(crate) fn push(&self, task: Arc<Task>) -> usize {
        let mut queue = self.queue.lock();
        queue.push_back(task);
        self.queue_len.fetch_add(1, Ordering::AcqRel)
    }

    /// Takes the first task.
    pub(crate) fn pop(&self) -> Option<Arc<Task>> {
        if self.queue_len.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut queue = self.queue.lock();
        let task = queue.pop_front()?;
        self.queue_len.fetch_sub(1, Ordering::AcqRel);
        Some(task)
    }

    /// Takes the first task that may run on `thief`.
    pub(crate) fn steal_for(&self, thief: usize) -> Option<Arc<Task>> {
        let mut queue = self.queue.lock();
        let task = queue.remove_first(|t| t.affinity.load(Relaxed) & (1 << thief) != 0)?;
        self.queue_len.fetch_sub(1, Ordering::AcqRel);
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
        if let Some(joiner) = task.join.task_disposed() {
            self.wake_sync(|| joiner.wake());
        }
    }

    /// Edges 2, 5, 6 and 7 of the task lifecycle.
    pub(crate) fn run_task(&'static self, cpu: usize, task: Arc<Task>) {
        match task.state.transition_to_running() {
            TransitionToRunning::Poll => {}
            TransitionToRunning::Skip => return,
        }
        let c = &self.cpus[cpu];
        *c.current.lock() = Some(task.clone());
        c.current_id.store(task.id.0, Relaxed);
        let now = self.now_ns();
        c.slice_start.store(now, Relaxed);
        c.need_resched.store(false, Relaxed);
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
        let me = c.current.lock().take();
        drop(me);

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
