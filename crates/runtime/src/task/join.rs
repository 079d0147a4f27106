//! Joining a task: the typed output slot shared by the task's wrapper
//! future and its [`JoinHandle`].
//!
//! The output is stored by the task's last poll but published to the
//! joiner only by the executor, after it has dropped the task's future
//! (`task_disposed`): a joiner never sees a task finished while that task
//! is still on a CPU or still owns its future (the reason Linux reaps a
//! dead task only after it has switched away for the last time).
//!
//! ```text
//!  Running{w} ──complete(v)──▶ Produced{w, v} ──task_disposed──▶ Done(v) ──poll──▶ Taken
//!      │                           │                               │
//!      └────── handle dropped ─────┴───────────▶ Detached ◀────────┘ (drops v)
//!                complete(v) on Detached drops v at once
//! ```
//! All of `JoinState` is guarded by the cell's lock (a leaf); wakes and
//! drops of the output happen after the lock is released.

use alloc::sync::Arc;
use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use super::{TaskId, TaskRef};
use crate::loom::sync::SpinLock;

enum JoinState<T> {
    /// The task runs; `waker` is the joiner's, if it polled.
    Running { waker: Option<Waker> },
    /// The last poll produced the output; the executor has not yet
    /// disposed of the future.
    Produced { waker: Option<Waker>, output: T },
    /// Published: the joiner may take it.
    Done(T),
    /// The joiner took the output.
    Taken,
    /// The handle was dropped: the output is dropped when it is produced.
    Detached,
}

/// The output slot of one task.
pub(crate) struct JoinCell<T> {
    state: SpinLock<JoinState<T>>,
}

/// What the executor calls on a task's join cell once the task is
/// disposed of (type-erased so that `Task` need not know `T`).
pub(crate) trait JoinNotify: Send + Sync {
    /// Publishes the output; returns the joiner's waker to wake.
    fn task_disposed(&self) -> Option<Waker>;
}

impl<T: Send> JoinNotify for JoinCell<T> {
    fn task_disposed(&self) -> Option<Waker> {
        let mut state = self.state.lock();
        match mem::replace(&mut *state, JoinState::Taken) {
            JoinState::Produced { waker, output } => {
                *state = JoinState::Done(output);
                waker
            }
            JoinState::Detached => {
                *state = JoinState::Detached;
                None
            }
            JoinState::Running { .. } | JoinState::Done(_) | JoinState::Taken => {
                unreachable!("task disposed without producing its output")
            }
        }
    }
}

impl<T> JoinCell<T> {
    pub(crate) fn new() -> Self {
        Self { state: SpinLock::new(JoinState::Running { waker: None }) }
    }

    /// Stores the output (called by the task's last poll). It is published
    /// by `task_disposed`; if nobody joins, it is dropped here.
    pub(crate) fn complete(&self, output: T) {
        let mut state = self.state.lock();
        match mem::replace(&mut *state, JoinState::Taken) {
            JoinState::Running { waker } => *state = JoinState::Produced { waker, output },
            JoinState::Detached => {
                *state = JoinState::Detached;
                drop(state);
                drop(output);
            }
            _ => unreachable!("task completed twice"),
        }
    }

    pub(crate) fn poll_output(&self, cx: &mut Context<'_>) -> Poll<T> {
        let mut state = self.state.lock();
        match &mut *state {
            JoinState::Running { waker } | JoinState::Produced { waker, .. } => {
                match waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => *waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
            JoinState::Done(_) => match mem::replace(&mut *state, JoinState::Taken) {
                JoinState::Done(v) => Poll::Ready(v),
                _ => unreachable!(),
            },
            JoinState::Taken => panic!("JoinHandle polled after it returned the output"),
            JoinState::Detached => unreachable!("detached while the handle lives"),
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        matches!(*self.state.lock(), JoinState::Done(_) | JoinState::Taken)
    }

    pub(crate) fn detach(&self) {
        let old = mem::replace(&mut *self.state.lock(), JoinState::Detached);
        drop(old); // an unclaimed output (or a stale waker) dies here, lock released
    }
}

/// Owned permission to wait for a task's output. Dropping it detaches the
/// task, which keeps running; its output is then dropped when produced.
/// The handle resolves only after the task's future has been dropped.
pub struct JoinHandle<T> {
    cell: Arc<JoinCell<T>>,
    task: TaskRef,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(cell: Arc<JoinCell<T>>, task: TaskRef) -> Self {
        Self { cell, task }
    }

    /// The task this handle joins.
    pub fn task(&self) -> &TaskRef {
        &self.task
    }

    /// The id of the task.
    pub fn id(&self) -> TaskId {
        self.task.id()
    }

    /// Whether the task has finished and its output is ready.
    pub fn is_finished(&self) -> bool {
        self.cell.is_done()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.cell.poll_output(cx)
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.cell.detach();
    }
}

impl<T> core::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JoinHandle").field("task", &self.task).finish()
    }
}
