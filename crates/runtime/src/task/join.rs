//! Joining a task: the typed output slot shared by the task's wrapper
//! future and its [`JoinHandle`].
//!
//! ```text
//!  Running{waker} ──complete(v)──▶ Done(v) ──poll──▶ Taken
//!        │                            │
//!        └──handle dropped──▶ Detached ◀──handle dropped (drops v)
//!                              complete(v) on Detached drops v (executor side)
//! ```
//! All of `JoinState` is guarded by the cell's lock; wakes and drops of
//! the output happen after the lock is released.

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
    /// The task finished and the joiner has not taken the output yet.
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

impl<T> JoinCell<T> {
    pub(crate) fn new() -> Self {
        Self { state: SpinLock::new(JoinState::Running { waker: None }) }
    }

    /// Stores the output (called by the task's last poll) and wakes the
    /// joiner; returns that joiner's waker instead of waking it so the
    /// caller can choose the wake flavour (a finishing task wakes its
    /// joiner synchronously: its CPU is about to be free).
    pub(crate) fn complete(&self, output: T) -> Option<Waker> {
        let mut state = self.state.lock();
        match mem::replace(&mut *state, JoinState::Taken) {
            JoinState::Running { waker } => {
                *state = JoinState::Done(output);
                waker
            }
            JoinState::Detached => {
                *state = JoinState::Detached;
                drop(state);
                drop(output);
                None
            }
            JoinState::Done(_) | JoinState::Taken => unreachable!("task completed twice"),
        }
    }

    fn poll_output(&self, cx: &mut Context<'_>) -> Poll<T> {
        let mut state = self.state.lock();
        match &mut *state {
            JoinState::Running { waker } => {
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

    fn is_done(&self) -> bool {
        matches!(*self.state.lock(), JoinState::Done(_) | JoinState::Taken)
    }

    fn detach(&self) {
        let old = mem::replace(&mut *self.state.lock(), JoinState::Detached);
        drop(old); // an unclaimed output (or a stale waker) dies here, lock released
    }
}

/// Owned permission to wait for a task's output. Dropping it detaches the
/// task, which keeps running; its output is then dropped when produced.
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

    /// Whether the task has produced its output.
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
