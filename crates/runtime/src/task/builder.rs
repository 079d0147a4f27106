//! Spawning tasks.

use alloc::boxed::Box;
use alloc::sync::{Arc, Weak};
use core::any::Any;
use core::future::Future;

use super::{BoxFuture, JoinCell, JoinHandle, JoinNotify, Task, TaskRef};
use crate::Runtime;
use crate::sched::SchedClass;

/// Options for a new task: name, first CPU, affinity.
///
/// ```ignore
/// let h = Builder::new().name("kswapd").cpu(1).affinity(0b10).spawn(async { 42 });
/// ```
#[derive(Clone)]
#[must_use = "a Builder does nothing until `spawn`"]
pub struct Builder<'a> {
    rt: Option<&'static Runtime>,
    name: Option<&'a str>,
    cpu: Option<usize>,
    affinity: u64,
    user_thread: bool,
    near_creator: bool,
    context: Option<Weak<dyn Any + Send + Sync>>,
    class: SchedClass,
}

impl Default for Builder<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Builder<'a> {
    /// A builder for the global runtime (installed by [`crate::init`]):
    /// no name, the current CPU, every CPU allowed.
    pub fn new() -> Self {
        Self { rt: None, name: None, cpu: None, affinity: u64::MAX, user_thread: false, near_creator: false, context: None, class: SchedClass::NORMAL }
    }

    /// A builder for a given runtime instance.
    pub fn on(rt: &'static Runtime) -> Self {
        Self { rt: Some(rt), ..Self::new() }
    }

    /// Names the task (shown by introspection).
    pub fn name(self, name: &'a str) -> Self {
        Self { name: Some(name), ..self }
    }

    /// Queues the task on `cpu` first (default: the calling CPU, or CPU 0
    /// when the caller is not one of the runtime's CPUs; for a user thread
    /// the least loaded allowed CPU). If `cpu` is not in the affinity mask
    /// the first allowed CPU is used instead.
    pub fn cpu(self, cpu: usize) -> Self {
        Self { cpu: Some(cpu), ..self }
    }

    /// Restricts the task to the CPUs whose bits are set in `mask`.
    pub fn affinity(self, mask: u64) -> Self {
        Self { affinity: mask, ..self }
    }

    /// Marks the task as the body of a user thread: introspection (/proc's
    /// kernel task list) tells it from kernel tasks for its whole life,
    /// including the last moments after its thread left the process.
    pub fn user_thread(self) -> Self {
        Self { user_thread: true, ..self }
    }

    /// A user thread that likely works hand in hand with its creator (the
    /// first child of a process, or a process's second thread: fork and
    /// wait, pthread_create and join, two threads passing work back and
    /// forth): it starts on the creator's CPU if that runs nothing else,
    /// where waking one another costs no interrupt to another CPU. Other
    /// user threads start on the least loaded CPU.
    pub fn near_creator(self, near: bool) -> Self {
        Self { near_creator: near, ..self }
    }

    /// Attaches what the task runs for (a user thread's `Thread`), for code
    /// that knows only the current task (`TaskRef::context`). Held weakly:
    /// the task does not keep it alive.
    pub fn context(self, context: Weak<dyn Any + Send + Sync>) -> Self {
        Self { context: Some(context), ..self }
    }

    /// The task's scheduling class from the start (a new thread inherits
    /// its creator's; default SCHED_OTHER at nice 0).
    pub fn sched_class(self, class: SchedClass) -> Self {
        Self { class, ..self }
    }

    /// Creates the task and queues it; a fair task starts at the virtual
    /// runtime of the task that spawns it (`executor/fair.rs`). Panics if
    /// the affinity mask names no online CPU.
    pub fn spawn<F>(self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let cell = Arc::new(JoinCell::new());
        let output = cell.clone();
        let wrapped = async move { output.complete(future.await) };
        let task = self.start(Box::pin(wrapped), Some(cell.clone()));
        JoinHandle::new(cell, task)
    }

    /// As `spawn`, for a task nobody joins (a user thread's: its thread
    /// is waited for through the process table): no join cell, and the
    /// future is boxed as it is, one allocation less per task.
    pub fn spawn_detached<F>(self, future: F) -> TaskRef
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.start(Box::pin(future), None)
    }

    fn start(self, future: BoxFuture, join: Option<Arc<dyn JoinNotify>>) -> TaskRef {
        let rt = self.rt.unwrap_or_else(crate::global);
        let affinity = self.affinity & rt.online_mask();
        assert!(affinity != 0, "spawn: affinity {:#x} names no online CPU", self.affinity);
        let here = rt.this_cpu().unwrap_or(0);
        let cpu = match self.cpu {
            Some(cpu) => cpu,
            None if self.user_thread => rt.idlest_cpu(affinity, here, self.near_creator),
            None => here,
        };
        let cpu = cpu.min(rt.cpu_count() - 1);
        let task = Arc::new(Task::new(rt, future, join, self.name, cpu, affinity, self.user_thread, self.context, self.class));
        if let Some(creator) = rt.current_task() {
            task.fair.inherit(&creator.0.fair);
        }
        rt.registry.insert(&task);
        let task_ref = TaskRef(task.clone());
        rt.submit_new(task);
        task_ref
    }
}
