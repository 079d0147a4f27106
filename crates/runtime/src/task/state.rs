//! The task state word: one atomic, changed only by compare-and-swap.
//!
//! Every change is a `transition_to_*` method built on
//! [`State::fetch_update_action`] that returns a `#[must_use]` enum naming
//! what the caller must do next (queue the task, poll it, requeue it,
//! dispose of it). The lifecycle these transitions walk is drawn above
//! [`super::Task`]; docs/runtime.md has it as a table.
//!
//! Orderings: every transition is an acquire-release read-modify-write,
//! even when it leaves the word unchanged (a wake of an already queued
//! task). That write is what makes a waker's prior stores visible to the
//! next poll: either the waker's RMW comes first in the word's
//! modification order, and the executor's acquiring `transition_to_running`
//! reads it, or it comes after the executor's, sees RUNNING, and sets
//! NOTIFIED, which `transition_to_idle` then reads. A plain load that
//! "sees NOTIFIED and does nothing" would allow the store-buffer outcome in
//! which the waker misses RUNNING and the poller misses the waker's store.

use crate::loom::sync::{AtomicUsize, Ordering};

/// The task must be polled: it sits in exactly one run queue, or it is
/// RUNNING and the executor will requeue it when `poll` returns `Pending`.
/// Set by a wake, cleared by `transition_to_running`.
pub(crate) const NOTIFIED: usize = 1 << 0;

/// An executor is polling the task; only that executor touches its future.
/// Set by `transition_to_running`, cleared by `transition_to_idle` or
/// `transition_to_complete`.
pub(crate) const RUNNING: usize = 1 << 1;

/// The future returned `Ready` and was dropped; the task is never polled
/// or queued again. Terminal.
pub(crate) const COMPLETE: usize = 1 << 2;

/// A new task starts NOTIFIED because `spawn` puts it in a run queue right
/// away: a wake that races with the first poll finds it already notified
/// and does nothing (the first poll will see whatever the waker changed).
pub(crate) const INITIAL_STATE: usize = NOTIFIED;

/// The atomic state word of one task.
pub(crate) struct State {
    val: AtomicUsize,
}

/// A copy of the state word, read or about to be written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

/// What a waker must do after [`State::transition_to_notified`].
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransitionToNotified {
    /// The task was idle: the caller now owns the single queue slot and
    /// must put the task in a run queue.
    Submit,
    /// Already queued, running (the executor will requeue it) or complete.
    DoNothing,
}

/// What the executor must do after [`State::transition_to_running`].
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransitionToRunning {
    /// The caller is now the only poller: poll the future.
    Poll,
    /// The task is complete; drop the queue's reference without polling.
    Skip,
}

/// What the executor must do after [`State::transition_to_idle`].
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransitionToIdle {
    /// No wake came during the poll: the task waits for one.
    Idle,
    /// A wake came during the poll: NOTIFIED stays set and the caller must
    /// put the task back in a run queue.
    Requeue,
}

/// What the executor must do after [`State::transition_to_complete`].
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransitionToComplete {
    /// Remove the task from the registry and drop the executor's reference.
    Dispose,
}

impl State {
    /// A state word holding [`INITIAL_STATE`].
    pub(crate) fn new() -> Self {
        Self { val: AtomicUsize::new(INITIAL_STATE) }
    }

    /// The current value (for introspection; decisions use transitions).
    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Ordering::Acquire))
    }

    /// A wake (edges 3 and 4 of the lifecycle). Always writes, see the
    /// module doc.
    pub(crate) fn transition_to_notified(&self) -> TransitionToNotified {
        self.fetch_update_action(|mut s| {
            if s.is_complete() || s.is_notified() {
                return (TransitionToNotified::DoNothing, s);
            }
            s.set_notified();
            let action =
                if s.is_running() { TransitionToNotified::DoNothing } else { TransitionToNotified::Submit };
            (action, s)
        })
    }

    /// The executor took the task from a run queue (edge 2).
    pub(crate) fn transition_to_running(&self) -> TransitionToRunning {
        self.fetch_update_action(|mut s| {
            if s.is_complete() {
                return (TransitionToRunning::Skip, s);
            }
            assert!(s.is_notified() && !s.is_running(), "polled a task that was not queued: {s:?}");
            s.unset_notified();
            s.set_running();
            (TransitionToRunning::Poll, s)
        })
    }

    /// `poll` returned `Pending` and the future is back in its slot
    /// (edges 5 and 6).
    pub(crate) fn transition_to_idle(&self) -> TransitionToIdle {
        self.fetch_update_action(|mut s| {
            assert!(s.is_running() && !s.is_complete(), "idle transition of a task not running: {s:?}");
            s.unset_running();
            let action = if s.is_notified() { TransitionToIdle::Requeue } else { TransitionToIdle::Idle };
            (action, s)
        })
    }

    /// `poll` returned `Ready` and the future was dropped (edge 7). A wake
    /// that arrived during the last poll is forgotten.
    pub(crate) fn transition_to_complete(&self) -> TransitionToComplete {
        self.fetch_update_action(|mut s| {
            assert!(s.is_running() && !s.is_complete(), "completed a task not running: {s:?}");
            s.unset_running();
            s.unset_notified();
            s.set_complete();
            (TransitionToComplete::Dispose, s)
        })
    }

    /// The one CAS loop: `f` maps the current snapshot to an action and the
    /// value to store, and is retried on a lost race. It always stores
    /// (acquire-release), even an unchanged value.
    fn fetch_update_action<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Snapshot)) -> T {
        let mut curr = Snapshot(self.val.load(Ordering::Acquire));
        loop {
            let (action, next) = f(curr);
            match self.val.compare_exchange(curr.0, next.0, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return action,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }
}

impl Snapshot {
    pub(crate) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }
    pub(crate) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }
    pub(crate) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
    fn set_notified(&mut self) {
        self.0 |= NOTIFIED;
    }
    fn unset_notified(&mut self) {
        self.0 &= !NOTIFIED;
    }
    fn set_running(&mut self) {
        self.0 |= RUNNING;
    }
    fn unset_running(&mut self) {
        self.0 &= !RUNNING;
    }
    fn set_complete(&mut self) {
        self.0 |= COMPLETE;
    }
}

impl core::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Snapshot {{ notified: {}, running: {}, complete: {} }}", self.is_notified(), self.is_running(), self.is_complete())
    }
}

#[cfg(all(test, not(loom)))]
mod test {
    use super::*;

    #[test]
    fn initial_state_is_queued_once() {
        let s = State::new();
        assert_eq!(s.transition_to_notified(), TransitionToNotified::DoNothing);
        assert_eq!(s.transition_to_running(), TransitionToRunning::Poll);
    }

    #[test]
    fn wake_while_running_requeues_after_poll() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), TransitionToRunning::Poll);
        assert_eq!(s.transition_to_notified(), TransitionToNotified::DoNothing);
        assert_eq!(s.transition_to_notified(), TransitionToNotified::DoNothing);
        assert_eq!(s.transition_to_idle(), TransitionToIdle::Requeue);
        assert!(s.load().is_notified());
        assert_eq!(s.transition_to_running(), TransitionToRunning::Poll);
        assert_eq!(s.transition_to_idle(), TransitionToIdle::Idle);
    }

    #[test]
    fn wake_while_idle_submits_exactly_once() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), TransitionToRunning::Poll);
        assert_eq!(s.transition_to_idle(), TransitionToIdle::Idle);
        assert_eq!(s.transition_to_notified(), TransitionToNotified::Submit);
        assert_eq!(s.transition_to_notified(), TransitionToNotified::DoNothing);
    }

    #[test]
    fn complete_ignores_wakes_and_is_never_polled() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), TransitionToRunning::Poll);
        assert_eq!(s.transition_to_notified(), TransitionToNotified::DoNothing);
        assert_eq!(s.transition_to_complete(), TransitionToComplete::Dispose);
        assert_eq!(s.transition_to_notified(), TransitionToNotified::DoNothing);
        assert_eq!(s.transition_to_running(), TransitionToRunning::Skip);
        assert!(s.load().is_complete() && !s.load().is_notified());
    }

    #[test]
    #[should_panic(expected = "not queued")]
    fn polling_an_idle_task_is_a_bug() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), TransitionToRunning::Poll);
        assert_eq!(s.transition_to_idle(), TransitionToIdle::Idle);
        let _ = s.transition_to_running();
    }
}
