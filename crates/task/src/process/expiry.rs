//! The expiry task of a timer's current setting (ITIMER_REAL, a POSIX
//! timer). A setting's task sleeps until its deadline; when the timer is
//! set again, deleted, or its process dies, the old task must end then,
//! not at a deadline nobody waits for any more (alarm(UINT_MAX) sleeps 136
//! years), or every re-arm would leave a sleeping task behind.

use alloc::sync::Arc;

use ksync::SpinLock;
use runtime::sync::Event;

/// Holds the stop signal of the current expiry task. Lock: a leaf.
pub struct ExpirySlot(SpinLock<Option<Arc<Event>>>);

impl ExpirySlot {
    pub fn new() -> Self {
        Self(SpinLock::new(None))
    }

    /// Ends the current task, if any, and returns the stop signal for the
    /// next one, which waits for it beside its deadline
    /// ([`ExpirySlot::sleep_until`]).
    pub fn replace(&self) -> Arc<Event> {
        let stop = Arc::new(Event::new());
        if let Some(old) = self.0.lock().replace(stop.clone()) {
            old.set();
        }
        stop
    }

    /// Ends the current task, if any.
    pub fn clear(&self) {
        if let Some(old) = self.0.lock().take() {
            old.set();
        }
    }

    /// Sleeps until `deadline_ns`: true when it came, false when the task
    /// was stopped first.
    pub async fn sleep_until(stop: &Event, deadline_ns: u64) -> bool {
        matches!(runtime::select(stop.wait(), runtime::sleep_until(deadline_ns)).await, runtime::Either::Right(()))
    }
}

impl Drop for ExpirySlot {
    fn drop(&mut self) {
        self.clear();
    }
}
