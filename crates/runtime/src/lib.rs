//! weft's executor: the runtime every kernel thread and user thread runs on.
//!
//! The unit of scheduling is a task: a pinned, boxed future plus an atomic
//! state word (`task::state`). Each CPU runs one executor loop
//! ([`run_executor`]) over its own run queue, steals from the others when
//! it runs dry, and polls for a short adaptive window before halting.
//! Wakers are `Arc<Task>`; a wake while the task is being polled is turned
//! into a requeue after the poll, so no wake is ever lost (docs/runtime.md
//! has the state table and the arguments; the loom models in `src/tests`
//! check them).
//!
//! Map of the crate:
//!
//! | module      | what                                                       |
//! |-------------|------------------------------------------------------------|
//! | `task`      | tasks, state word, spawn/`Builder`, `JoinHandle`, registry |
//! | `executor`  | per-CPU loop, run queues, placement, stealing, idle        |
//! | `sched`     | scheduling classes: real-time, fair (nice weights), idle   |
//! | `time`      | per-CPU timers, `sleep`, `timeout`, `tick`                 |
//! | `sync`      | `WaitQueue`, `Mutex`, `Semaphore`, `Event`                 |
//! | `rcu`       | `call_rcu`, grace periods                                  |
//! | `stackful`  | futures on their own preemptible kernel stack              |
//! | `block_on`  | early-boot driver                                          |
//! | `util`      | `poll_fn`, `select`, `yield_now`                           |
//!
//! The free functions below act on the global runtime installed by
//! [`init`]; host tests may also build independent [`Runtime`]s and call
//! the same operations as methods.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod block_on;
mod executor;
mod loom;
mod platform;
mod rcu;
mod runtime;
mod sched;
mod stackful;
pub mod sync;
mod task;
mod tick;
mod time;
mod util;

#[cfg(all(test, loom))]
extern crate std;
#[cfg(all(test, loom))]
mod tests;

use core::future::Future;

pub use platform::{Config, Platform};
pub use rcu::RcuCallback;
pub use runtime::{CpuInfo, CpuProgress, Runtime};
pub use sched::{MAX_RT_PRIORITY, NICE_0_WEIGHT, RR_INTERVAL_NS, SchedClass, nice_to_weight};
#[cfg(target_os = "none")]
pub use stackful::set_stack_allocator;
pub use stackful::stackful;
pub use sync::{Event, Mutex, MutexGuard, Semaphore, SemaphorePermit, WaitQueue, WaitUntil};
pub use task::{Builder, InvalidAffinity, JoinHandle, TaskId, TaskInfo, TaskRef, TaskState};
pub use time::{Elapsed, Sleep};
pub use util::{Either, PollFn, YieldNow, poll_fn, select, yield_now};

static GLOBAL: ksync::Once<&'static Runtime> = ksync::Once::new();

/// Installs the global runtime: `platform` with CPUs `0..cpu_count`.
/// Call once, on the boot CPU, before anything below. Panics if called
/// twice.
pub fn init(platform: &'static dyn Platform, cpu_count: usize) {
    init_with(platform, cpu_count, Config::default());
}

/// [`init`] with explicit tunables.
pub fn init_with(platform: &'static dyn Platform, cpu_count: usize, config: Config) {
    let mut installed = false;
    GLOBAL.call_once(|| {
        installed = true;
        Runtime::new(platform, cpu_count, config)
    });
    assert!(installed, "runtime::init called twice");
}

/// The global runtime. Panics before [`init`].
pub fn global() -> &'static Runtime {
    GLOBAL.get().expect("runtime::init has not been called")
}

/// Whether [`init`] has run.
pub fn is_initialized() -> bool {
    GLOBAL.get().is_some()
}

/// The executor loop of the calling CPU. The kernel calls it on every CPU
/// after [`init`]; it never returns.
pub fn run_executor() -> ! {
    global().run()
}

/// Spawns `future` as a task queued on the calling CPU.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Builder::new().spawn(future)
}

/// Spawns `future` as a task queued on `cpu`.
pub fn spawn_on<F>(cpu: usize, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Builder::new().cpu(cpu).spawn(future)
}

/// The task being polled on the calling CPU (`None` outside a task, e.g.
/// in `block_on` or an interrupt handler that interrupted the executor).
pub fn current_task() -> Option<TaskRef> {
    global().current_task()
}

/// A future that completes `ns` nanoseconds from now.
pub fn sleep(ns: u64) -> Sleep {
    global().sleep(ns)
}

/// A future that completes once the clock reaches `deadline_ns`.
pub fn sleep_until(deadline_ns: u64) -> Sleep {
    global().sleep_until(deadline_ns)
}

/// Runs `future` until `deadline_ns`; `Err(Elapsed)` if it is not done by
/// then.
pub async fn timeout<F: Future>(deadline_ns: u64, future: F) -> Result<F::Output, Elapsed> {
    global().timeout(deadline_ns, future).await
}

/// The runtime's clock (monotonic ns).
pub fn now_ns() -> u64 {
    global().now_ns()
}

/// The scheduler tick: call from the timer interrupt on every CPU. True
/// when the current task should be preempted (see [`Runtime::tick`]).
/// Returns false before [`init`].
pub fn tick() -> bool {
    GLOBAL.get().is_some_and(|rt| rt.tick())
}

/// Call from every interrupt that is not the timer's (a `wake_cpu`): the
/// CPU may need its slice tick now, or a more urgent task was queued for
/// it; true when the current task should be preempted, as for [`tick`]
/// (see [`Runtime::recheck_tick`]).
pub fn recheck_tick() -> bool {
    GLOBAL.get().is_some_and(|rt| rt.recheck_tick())
}

/// Whether a more urgent task was queued on this CPU since the current
/// task was picked (one load): the cheap check after a system call, whose
/// wake-ups must take effect at once (`should_yield` adds the slice test).
pub fn preempt_requested() -> bool {
    GLOBAL.get().is_some_and(|rt| rt.preempt_requested())
}

/// Whether the current task should yield (its slice is over and others
/// wait).
pub fn should_yield() -> bool {
    GLOBAL.get().is_some_and(|rt| rt.should_yield())
}

/// Runs `f`; tasks it wakes are placed on the calling CPU (WF_SYNC): use
/// it when the caller is about to block. See [`Runtime::wake_sync`].
pub fn wake_sync<R>(f: impl FnOnce() -> R) -> R {
    match GLOBAL.get() {
        Some(rt) => rt.wake_sync(f),
        None => f(),
    }
}

/// Runs `future` to completion on the calling CPU (early boot). Before
/// [`init`] it busy-polls.
pub fn block_on<F: Future>(future: F) -> F::Output {
    match GLOBAL.get() {
        Some(rt) => rt.block_on(future),
        None => block_on::block_on_bare(future),
    }
}

/// Runs `callback` after a grace period (see [`Runtime::call_rcu`]).
pub fn call_rcu(callback: RcuCallback) {
    global().call_rcu(callback);
}

/// Waits for every earlier `call_rcu` callback to have run.
pub async fn rcu_barrier() {
    global().rcu_barrier().await
}

/// Reports a quiescent state of the calling CPU (see
/// [`Runtime::quiescent_state`]).
pub fn quiescent_state() {
    if let Some(rt) = GLOBAL.get() {
        rt.quiescent_state();
    }
}

/// A snapshot of every live task (for /proc and the debugger).
pub fn tasks() -> impl Iterator<Item = TaskInfo> {
    global().tasks()
}

/// The live kernel tasks (`Runtime::kernel_tasks`).
pub fn kernel_tasks() -> alloc::vec::Vec<TaskInfo> {
    global().kernel_tasks()
}

/// Tasks on a CPU or in a run queue (`Runtime::runnable_count`).
pub fn runnable_count() -> usize {
    global().runnable_count()
}

/// What `task` is, if it is live.
pub fn task_info(id: TaskId) -> Option<TaskInfo> {
    global().task(id).map(|t| TaskInfo::from(&t))
}

/// State and statistics of one CPU.
pub fn cpu_info(cpu: usize) -> CpuInfo {
    global().cpu_info(cpu)
}
