//! The runtime instance: its CPUs, registry, RCU state, and the global
//! instance the free functions of this crate use.
//!
//! # Locks and lock ordering
//!
//! Every lock here is a `SpinLock` (interrupts off in the kernel). Order:
//!
//! ```text
//! timers (one CPU) ──▶ run queue (one CPU) ──▶ task.next (run-queue link)
//! ```
//!
//! and every other lock is a leaf, never held while taking another:
//! wait queue, join cell, the task's future slot, task name, registry
//! shard, the CPU's `current` slot, RCU state. Two run queues are never
//! held together (stealing locks one victim at a time). Wakers are always
//! called after the wait-queue or join-cell lock is released; the timer
//! code also wakes after releasing its lock, so in practice the first edge
//! above is never taken either.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::sync::atomic::Ordering::Relaxed;

use crate::executor::Cpu;
use crate::loom::sync::{AtomicU64, AtomicUsize, Ordering};
use crate::rcu::Rcu;
use crate::task::{Registry, TaskId, TaskInfo, TaskRef};
use crate::{Config, Platform};

/// Per-CPU executors, timers and the task registry of one kernel (or one
/// host test). The kernel has exactly one, installed by [`crate::init`];
/// host tests may create several with [`Runtime::new`].
pub struct Runtime {
    pub(crate) platform: &'static dyn Platform,
    pub(crate) config: Config,
    pub(crate) cpus: Box<[Cpu]>,
    online_mask: u64,
    pub(crate) registry: Registry,
    pub(crate) rcu: Rcu,
    /// Bit per CPU that is inside `Platform::idle` (or about to be): a
    /// wake aimed at it must call `wake_cpu`. Set and read with
    /// read-modify-writes, see `executor::idle`.
    pub(crate) halted: AtomicU64,
    /// Number of CPUs in their haltpoll window: they will find and steal
    /// new work without being sent a wake.
    pub(crate) polling: AtomicUsize,
}

/// Statistics and state of one CPU (for /proc and the debugger).
#[derive(Clone, Debug)]
pub struct CpuInfo {
    /// The CPU index.
    pub cpu: usize,
    /// The task being polled there, if any.
    pub current: Option<TaskId>,
    /// Tasks in its run queue.
    pub queue_len: usize,
    /// Whether it is halted in `Platform::idle`.
    pub halted: bool,
    /// Polls it has made.
    pub polls: u64,
    /// Tasks it stole from other CPUs.
    pub steals: u64,
    /// Times it halted.
    pub halts: u64,
    /// Nanoseconds it spent idle (polling for work or halted).
    pub idle_ns: u64,
    /// Its current haltpoll window.
    pub haltpoll_ns: u64,
    /// Pending timers on it.
    pub timers: usize,
}

impl Runtime {
    /// Creates a runtime for `cpu_count` CPUs (at most 64) and leaks it:
    /// tasks point at their runtime for their whole life.
    pub fn new(platform: &'static dyn Platform, cpu_count: usize, config: Config) -> &'static Runtime {
        assert!((1..=64).contains(&cpu_count), "runtime supports 1 to 64 CPUs, not {cpu_count}");
        let online_mask = if cpu_count == 64 { u64::MAX } else { (1u64 << cpu_count) - 1 };
        Box::leak(Box::new(Runtime {
            platform,
            config,
            cpus: (0..cpu_count).map(|_| Cpu::new(&config)).collect::<Vec<_>>().into_boxed_slice(),
            online_mask,
            registry: Registry::new(),
            rcu: Rcu::new(online_mask),
            halted: AtomicU64::new(0),
            polling: AtomicUsize::new(0),
        }))
    }

    /// Number of CPUs.
    pub fn cpu_count(&self) -> usize {
        self.cpus.len()
    }

    /// Bit mask of the runtime's CPUs.
    pub fn online_mask(&self) -> u64 {
        self.online_mask
    }

    /// The calling CPU, if it is one of the runtime's.
    pub fn this_cpu(&self) -> Option<usize> {
        let id = self.platform.cpu_id();
        (id < self.cpus.len()).then_some(id)
    }

    /// The platform's clock.
    pub fn now_ns(&self) -> u64 {
        self.platform.now_ns()
    }

    /// The platform this runtime runs on.
    pub fn platform(&self) -> &'static dyn Platform {
        self.platform
    }

    /// The task being polled on the calling CPU.
    pub fn current_task(&self) -> Option<TaskRef> {
        let cpu = self.this_cpu()?;
        self.cpus[cpu].current.lock().clone().map(TaskRef)
    }

    /// Looks a live task up by id.
    pub fn task(&self, id: TaskId) -> Option<TaskRef> {
        self.registry.get(id)
    }

    /// Number of live (not yet complete) tasks.
    pub fn task_count(&self) -> usize {
        self.registry.len()
    }

    /// A snapshot of every live task, in id order: O(tasks).
    pub fn tasks(&self) -> impl Iterator<Item = TaskInfo> + use<> {
        self.registry.snapshot().iter().map(TaskInfo::from).collect::<Vec<_>>().into_iter()
    }

    /// A snapshot of the live tasks that run no user thread, in id order:
    /// O(kernel tasks), however many user threads there are.
    pub fn kernel_tasks(&self) -> Vec<TaskInfo> {
        self.registry.kernel_snapshot().iter().map(TaskInfo::from).collect()
    }

    /// Tasks on a CPU or in a run queue (the load average's count): O(CPUs).
    pub fn runnable_count(&self) -> usize {
        self.cpus.iter().map(|c| c.queue_len.load(Ordering::Relaxed) + usize::from(c.current_id.load(Relaxed) != 0)).sum()
    }

    /// State and statistics of CPU `cpu`.
    pub fn cpu_info(&self, cpu: usize) -> CpuInfo {
        let c = &self.cpus[cpu];
        CpuInfo {
            cpu,
            current: match c.current_id.load(Relaxed) {
                0 => None,
                id => Some(TaskId(id)),
            },
            queue_len: c.queue_len.load(Ordering::Relaxed),
            halted: self.halted.load(Ordering::Relaxed) & (1 << cpu) != 0,
            polls: c.stats.polls.load(Relaxed),
            steals: c.stats.steals.load(Relaxed),
            halts: c.stats.halts.load(Relaxed),
            idle_ns: c.stats.idle_ns.load(Relaxed),
            haltpoll_ns: c.haltpoll.window_ns(),
            timers: c.timers.len(),
        }
    }
}

/// What the lockup watchdog reads of a CPU: lock-free, so that it can be
/// read from a timer interrupt or an NMI whatever locks the CPU holds.
#[derive(Clone, Copy, Debug)]
pub struct CpuProgress {
    /// Polls started plus halts: moves whenever the executor makes progress.
    pub beats: u64,
    /// Whether it is halted in `Platform::idle`.
    pub halted: bool,
    /// The task being polled there, if any.
    pub current: Option<TaskId>,
    /// Tasks in its run queue.
    pub queue_len: usize,
    /// The deadline its timer interrupt is armed for (`u64::MAX`: none),
    /// and whether that covers the end of the current slice.
    pub timer_armed: u64,
    pub slice_armed: bool,
}

impl Runtime {
    /// Lock-free progress of CPU `cpu` (see [`CpuProgress`]).
    pub fn cpu_progress(&self, cpu: usize) -> CpuProgress {
        let c = &self.cpus[cpu];
        CpuProgress {
            beats: c.stats.polls.load(Relaxed).wrapping_add(c.stats.halts.load(Relaxed)),
            halted: self.halted.load(Ordering::Relaxed) & (1 << cpu) != 0,
            current: match c.current_id.load(Relaxed) {
                0 => None,
                id => Some(TaskId(id)),
            },
            queue_len: c.queue_len.load(Ordering::Relaxed),
            timer_armed: c.tick.armed(),
            slice_armed: c.tick.slice_armed.load(Ordering::Relaxed),
        }
    }

    /// The name of the task being polled on `cpu`, copied into `out`
    /// (truncated); its length, or `None` when there is no task or a lock
    /// on the way is held (the caller may be an interrupt that interrupted
    /// the holder: it must not wait).
    pub fn try_current_name(&self, cpu: usize, out: &mut [u8]) -> Option<usize> {
        let current = self.cpus[cpu].current.try_lock()?;
        let task = current.as_ref()?;
        let name = task.name.try_lock()?;
        let bytes = name.as_deref().unwrap_or("").as_bytes();
        let n = bytes.len().min(out.len());
        out[..n].copy_from_slice(&bytes[..n]);
        Some(n)
    }
}

/// Spawns on a given runtime (`rt.spawn(fut)` reads better in tests).
impl Runtime {
    /// Spawns `future` on the calling CPU of this runtime.
    pub fn spawn<F>(&'static self, future: F) -> crate::JoinHandle<F::Output>
    where
        F: core::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        crate::Builder::on(self).spawn(future)
    }

    /// Spawns `future` queued on `cpu`.
    pub fn spawn_on<F>(&'static self, cpu: usize, future: F) -> crate::JoinHandle<F::Output>
    where
        F: core::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        crate::Builder::on(self).cpu(cpu).spawn(future)
    }

    /// A task [`Builder`](crate::Builder) for this runtime.
    pub fn builder(&'static self) -> crate::Builder<'static> {
        crate::Builder::on(self)
    }
}
