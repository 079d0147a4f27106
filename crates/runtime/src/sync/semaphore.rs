//! A counting semaphore.

use super::WaitQueue;
use crate::loom::sync::{AtomicUsize, Ordering};

/// A counting semaphore: `acquire` waits for a permit, FIFO among waiters
/// (a caller that finds a permit free takes it without queueing).
pub struct Semaphore {
    permits: AtomicUsize,
    waiters: WaitQueue,
}

impl Semaphore {
    /// A semaphore holding `permits` permits (usable in a `static`).
    #[cfg(not(loom))]
    pub const fn new(permits: usize) -> Self {
        Self { permits: AtomicUsize::new(permits), waiters: WaitQueue::new() }
    }

    /// A semaphore holding `permits` permits.
    #[cfg(loom)]
    pub fn new(permits: usize) -> Self {
        Self { permits: AtomicUsize::new(permits), waiters: WaitQueue::new() }
    }

    /// Takes a permit if one is free.
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        let mut n = self.permits.load(Ordering::Acquire);
        while n > 0 {
            match self.permits.compare_exchange(n, n - 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Some(SemaphorePermit { sem: self }),
                Err(actual) => n = actual,
            }
        }
        None
    }

    /// Waits for a permit.
    pub async fn acquire(&self) -> SemaphorePermit<'_> {
        self.waiters.wait_until(|| self.try_acquire()).await
    }

    /// Adds `n` permits and wakes up to `n` waiters.
    pub fn release(&self, n: usize) {
        self.permits.fetch_add(n, Ordering::AcqRel);
        self.waiters.wake_n(n);
    }

    /// Free permits now.
    pub fn available(&self) -> usize {
        self.permits.load(Ordering::Acquire)
    }
}

/// One permit; returned to the semaphore on drop.
#[must_use = "dropping a permit releases it at once"]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
}

impl SemaphorePermit<'_> {
    /// Keeps the permit taken forever (the count stays lower).
    pub fn forget(self) {
        core::mem::forget(self);
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.release(1);
    }
}
