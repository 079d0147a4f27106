//! A one-shot flag that tasks can wait for.

use super::WaitQueue;
use crate::loom::sync::{AtomicBool, Ordering};

/// A flag set once; `wait` returns once it is set.
pub struct Event {
    set: AtomicBool,
    waiters: WaitQueue,
}

impl Default for Event {
    fn default() -> Self {
        Self::new()
    }
}

impl Event {
    /// An unset event (usable in a `static`).
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Self { set: AtomicBool::new(false), waiters: WaitQueue::new() }
    }

    /// An unset event.
    #[cfg(loom)]
    pub fn new() -> Self {
        Self { set: AtomicBool::new(false), waiters: WaitQueue::new() }
    }

    /// Sets the flag and wakes every waiter; returns how many were woken.
    pub fn set(&self) -> usize {
        self.set.store(true, Ordering::Release);
        self.waiters.wake_all()
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.set.load(Ordering::Acquire)
    }

    /// Waits until the flag is set.
    pub async fn wait(&self) {
        self.waiters.wait_until(|| self.is_set().then_some(())).await
    }
}
