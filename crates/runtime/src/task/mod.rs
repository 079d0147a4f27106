//! Tasks: a pinned future plus an atomic state word.
//!
//! Fields and who may touch them:
//!
//! | field      | guarded by                                                    |
//! |------------|---------------------------------------------------------------|
//! | `state`    | atomic; changed only through `State::transition_to_*`         |
//! | `future`   | the RUNNING bit: only the executor that set it takes the future out, polls it and puts it back or drops it; the lock is never contended and exists only for interior mutability |
//! | `next`, `enqueued`, `queued_on`, `queued_rank`, `fair` (heap index) | the lock of the run queue the task sits in (NOTIFIED guarantees there is at most one) |
//! | `sched`    | atomic word, written by `set_sched_class`                     |
//! | `fair` (virtual runtime) | the executor running or queueing the task     |
//! | `cpu`      | atomic hint, written by placement and stealing               |
//! | `affinity` | atomic, written by `set_affinity`                             |
//! | `name`     | its own lock                                                  |
//! | `id`, `rt` | immutable                                                     |

mod builder;
mod join;
mod registry;
pub(crate) mod state;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::{Arc, Weak};
use alloc::task::Wake;
use core::any::Any;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use core::task::Waker;

pub use builder::Builder;
pub use join::JoinHandle;
pub(crate) use join::{JoinCell, JoinNotify};
pub(crate) use registry::Registry;

use crate::Runtime;
use crate::executor::FairEntity;
use crate::sched::{SchedClass, SchedWord};
use state::{State, TransitionToNotified};

/// The boxed future of a task.
pub(crate) type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A task's unique id (never reused; 0 is never an id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub u64);

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a task is doing, as seen from outside (a decoded state word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// In a run queue, waiting for a CPU (NOTIFIED, not RUNNING).
    Queued,
    /// Being polled by an executor (RUNNING, maybe also NOTIFIED).
    Running,
    /// Waiting for a wake (neither bit set).
    Waiting,
    /// Finished; its future is gone (COMPLETE).
    Complete,
}

/// A task as the executor holds it.
///
/// Lifecycle (edges name the function that takes them; `N` is NOTIFIED,
/// `R` RUNNING, `C` COMPLETE):
///
/// ```text
///                    (1) spawn
///                        │
///                        ▼
///   (3) wake ──────▶  QUEUED ──(2) pop──▶ RUNNING ──(4) wake───▶ RUNNING+NOTIFIED
///   [Submit]            (N)                (R)      [DoNothing]        (R|N)
///      ▲                 ▲                 │   │                       │   │
///      │                 └─────────────────┼───┼──(6) Pending [Requeue]┘   │
///      │                                   │   │                           │
///   WAITING ◀──────(5) Pending [Idle]──────┘   └──(7) Ready──▶ COMPLETE ◀──┘ (7) Ready
///     (0)                                                        (C)
///                                              (8) wake [DoNothing], pop [Skip]: stays C
/// ```
///
/// (1) `Builder::spawn`: the state starts as `INITIAL_STATE` (N) and the
///     task is pushed to a run queue.
/// (2) `Runtime::run_task`: `transition_to_running` clears N, sets R.
/// (3) `Task::wake`: `transition_to_notified` on an idle task sets N and
///     returns `Submit`; that waker, and only it, pushes the task.
/// (4) `Task::wake` during a poll: sets N, returns `DoNothing`.
/// (5) `run_task`, poll `Pending`, N clear: `transition_to_idle` → `Idle`.
/// (6) `run_task`, poll `Pending`, N set: `transition_to_idle` → `Requeue`;
///     N stays set and the executor pushes the task.
/// (7) `run_task`, poll `Ready`: the executor drops the future, then
///     `transition_to_complete` → `Dispose`: registry removal, and only
///     now is the output published to the `JoinHandle` and the joiner
///     woken (synchronously: this CPU is free for it).
/// (8) A wake of a complete task does nothing; an executor that pops one
///     (cannot happen today, kept for robustness) skips it.
///
/// Invariants this gives: a wake during a poll is never lost (edge 4 then
/// 6); an idle task is queued once however many wakes race (only the one
/// CAS that moves it from WAITING to N gets `Submit`); a complete task is
/// never polled (edges 2 and 8 check C). The future is dropped by the
/// executor right after it returns `Ready`, never by the task itself or by
/// whoever drops the last reference: the registry holds a reference to
/// every live task, so the last `Arc` of a task whose future still exists
/// cannot go away anywhere else.
pub(crate) struct Task {
    pub(crate) state: State,
    pub(crate) id: TaskId,
    pub(crate) rt: &'static Runtime,
    /// The CPU whose queue the task is in, or where it ran last, or where
    /// a synchronous wake asked it to go next.
    pub(crate) cpu: AtomicUsize,
    /// CPUs the task may run on (bit per CPU).
    pub(crate) affinity: AtomicU64,
    future: ksync::SpinLock<Option<BoxFuture>>,
    /// Intrusive run-queue link (see `executor::queue`).
    pub(crate) next: ksync::SpinLock<Option<Arc<Task>>>,
    /// Set while the task is linked into a run queue: checks "queued once".
    pub(crate) enqueued: AtomicBool,
    /// While queued: the CPU whose queue holds it and the rank (list) it
    /// is in (see `executor::queue`).
    pub(crate) queued_on: AtomicUsize,
    pub(crate) queued_rank: AtomicU32,
    pub(crate) name: ksync::SpinLock<Option<Box<str>>>,
    /// The join cell, told by the executor when the task is disposed of;
    /// none for a detached task (`Builder::spawn_detached`).
    pub(crate) join: Option<Arc<dyn JoinNotify>>,
    /// Number of polls (statistics).
    pub(crate) polls: AtomicU64,
    /// Spawned as the body of a user thread (`Builder::user_thread`).
    pub(crate) user_thread: bool,
    /// What the task runs for (`Builder::context`).
    context: Option<Weak<dyn Any + Send + Sync>>,
    /// Its scheduling class (`TaskRef::set_sched_class`).
    pub(crate) sched: SchedWord,
    /// Fair order: see `executor::fair`.
    pub(crate) fair: FairEntity,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Task {
    // One caller (`Builder::start`), which passes its fields through.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        rt: &'static Runtime,
        future: BoxFuture,
        join: Option<Arc<dyn JoinNotify>>,
        name: Option<&str>,
        cpu: usize,
        affinity: u64,
        user_thread: bool,
        context: Option<Weak<dyn Any + Send + Sync>>,
        class: SchedClass,
    ) -> Self {
        Self {
            state: State::new(),
            id: TaskId(NEXT_ID.fetch_add(1, Ordering::Relaxed)),
            rt,
            cpu: AtomicUsize::new(cpu),
            affinity: AtomicU64::new(affinity),
            future: ksync::SpinLock::new(Some(future)),
            next: ksync::SpinLock::new(None),
            enqueued: AtomicBool::new(false),
            queued_on: AtomicUsize::new(crate::executor::NOT_QUEUED),
            queued_rank: AtomicU32::new(0),
            name: ksync::SpinLock::new(name.map(Into::into)),
            join,
            polls: AtomicU64::new(0),
            user_thread,
            context,
            sched: SchedWord::new(class),
            fair: FairEntity::new(),
        }
    }

    /// Takes the future out for a poll. Caller: the executor that just
    /// set RUNNING.
    pub(crate) fn take_future(&self) -> BoxFuture {
        self.future.lock().take().expect("task polled after completion")
    }

    /// Puts the future back after a `Pending` poll, before
    /// `transition_to_idle` publishes it to the next poller.
    pub(crate) fn put_future(&self, future: BoxFuture) {
        let old = self.future.lock().replace(future);
        debug_assert!(old.is_none());
    }

    /// Marks the task notified and queues it when that is the caller's job.
    fn wake_arc(self: Arc<Self>) {
        match self.state.transition_to_notified() {
            TransitionToNotified::Submit => self.rt.schedule(self),
            TransitionToNotified::DoNothing => {}
        }
    }
}

/// Wakers are `Arc<Task>`: cloning one is a reference-count increment,
/// waking allocates nothing.
impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wake_arc();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        match self.state.transition_to_notified() {
            TransitionToNotified::Submit => self.rt.schedule(self.clone()),
            TransitionToNotified::DoNothing => {}
        }
    }
}

/// A handle to a task, for debugging, affinity and waking.
#[derive(Clone)]
pub struct TaskRef(pub(crate) Arc<Task>);

/// Why [`TaskRef::set_affinity`] refused a mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidAffinity;

impl TaskRef {
    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.0.id
    }

    /// The task's name (empty if it has none).
    pub fn name(&self) -> String {
        self.0.name.lock().as_deref().unwrap_or("").into()
    }

    /// Renames the task (for `prctl(PR_SET_NAME)`-style uses).
    pub fn set_name(&self, name: &str) {
        *self.0.name.lock() = Some(name.into());
    }

    /// The CPU the task is queued on, ran on last, or will run on next.
    pub fn cpu(&self) -> usize {
        self.0.cpu.load(Ordering::Relaxed)
    }

    /// The decoded state word.
    pub fn state(&self) -> TaskState {
        let s = self.0.state.load();
        if s.is_complete() {
            TaskState::Complete
        } else if s.is_running() {
            TaskState::Running
        } else if s.is_notified() {
            TaskState::Queued
        } else {
            TaskState::Waiting
        }
    }

    /// The CPUs the task may run on.
    pub fn affinity(&self) -> u64 {
        self.0.affinity.load(Ordering::Relaxed)
    }

    /// Restricts the task to the CPUs in `mask`. A queued task moves when
    /// an executor next takes it; a running one moves when its poll
    /// returns (its CPU is asked to end the slice, see `should_yield`).
    /// Fails if `mask` names no online CPU.
    pub fn set_affinity(&self, mask: u64) -> Result<(), InvalidAffinity> {
        self.0.rt.set_affinity(&self.0, mask)
    }

    /// The task's scheduling class.
    pub fn sched_class(&self) -> SchedClass {
        self.0.sched.load()
    }

    /// Changes the task's scheduling class. A queued task is re-sorted at
    /// once; a running one that no longer outranks what waits on its CPU
    /// gives the CPU up; a task that now outranks the one running where it
    /// is queued preempts it (Linux's `__sched_setscheduler` and
    /// `rt_mutex_setprio`, which also check preemption at once).
    pub fn set_sched_class(&self, class: SchedClass) {
        self.0.rt.set_sched_class(&self.0, class);
    }

    /// CPU time the task has had in its polls, in nanoseconds.
    pub fn run_time_ns(&self) -> u64 {
        self.0.fair.sum_exec_ns()
    }

    /// Polls in total so far.
    pub fn polls(&self) -> u64 {
        self.0.polls.load(Ordering::Relaxed)
    }

    /// A waker for the task (waking it as if its future had been woken).
    pub fn waker(&self) -> Waker {
        Waker::from(self.0.clone())
    }

    /// What the task runs for, if it was given one and it still exists.
    pub fn context(&self) -> Option<Arc<dyn Any + Send + Sync>> {
        self.0.context.as_ref()?.upgrade()
    }

    /// Wakes the task.
    pub fn wake(&self) {
        self.0.wake_by_ref();
    }

    /// Wakes the task and, if another CPU is polling it right now,
    /// interrupts that CPU: a task that runs user code sees a wake only at
    /// its next trap into the kernel, and a CPU with one runnable task has
    /// no tick to make one (a signal for a thread spinning on another CPU).
    pub fn wake_and_interrupt(&self) {
        self.0.wake_by_ref();
        let rt = self.0.rt;
        let cpu = self.0.cpu.load(Ordering::Relaxed);
        if rt.this_cpu() != Some(cpu) && rt.cpus[cpu].current_id.load(Ordering::Relaxed) == self.0.id.0 {
            rt.platform.wake_cpu(cpu);
        }
    }

    /// Whether two handles name the same task.
    pub fn ptr_eq(&self, other: &TaskRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for TaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskRef")
            .field("id", &self.id())
            .field("name", &self.name())
            .field("state", &self.state())
            .field("cpu", &self.cpu())
            .finish()
    }
}

/// A row of the task list (for /proc and the debugger).
#[derive(Clone, Debug)]
pub struct TaskInfo {
    /// The task's id.
    pub id: TaskId,
    /// Its name (empty if none).
    pub name: String,
    /// Its decoded state.
    pub state: TaskState,
    /// Its current or next CPU.
    pub cpu: usize,
    /// Its affinity mask.
    pub affinity: u64,
    /// Polls so far.
    pub polls: u64,
    /// Whether it runs a user thread (`Builder::user_thread`).
    pub user_thread: bool,
}

impl From<&TaskRef> for TaskInfo {
    fn from(t: &TaskRef) -> Self {
        Self {
            id: t.id(),
            name: t.name(),
            state: t.state(),
            cpu: t.cpu(),
            affinity: t.affinity(),
            polls: t.polls(),
            user_thread: t.0.user_thread,
        }
    }
}
