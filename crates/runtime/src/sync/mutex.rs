//! An async mutex that is fair enough: waiters are woken in FIFO order, and
//! a task that finds it free takes it (no hand-off).
//!
//! Without `unsafe` there is no `UnsafeCell` to hand out `&mut T` from, so
//! the value itself moves: `lock` takes it out of the slot into the guard,
//! and dropping the guard puts it back. An empty slot means "locked". Keep
//! `T` small or boxed, as it is moved twice per lock.

use core::ops::{Deref, DerefMut};

use super::WaitQueue;
use crate::loom::sync::SpinLock;

/// A mutual-exclusion lock held across `.await`s.
pub struct Mutex<T> {
    /// `Some` while unlocked. Leaf lock, held only to move the value.
    slot: SpinLock<Option<T>>,
    waiters: WaitQueue,
}

impl<T> Mutex<T> {
    /// An unlocked mutex (usable in a `static`).
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Self {
        Self { slot: SpinLock::new(Some(value)), waiters: WaitQueue::new() }
    }

    /// An unlocked mutex.
    #[cfg(loom)]
    pub fn new(value: T) -> Self {
        Self { slot: SpinLock::new(Some(value)), waiters: WaitQueue::new() }
    }

    /// Locks if free.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        let value = self.slot.lock().take()?;
        Some(MutexGuard { mutex: self, value: Some(value) })
    }

    /// Waits for the lock.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        let value = self.waiters.wait_until(|| self.slot.lock().take()).await;
        MutexGuard { mutex: self, value: Some(value) }
    }

    /// Whether the mutex is held.
    pub fn is_locked(&self) -> bool {
        self.slot.lock().is_none()
    }

    /// The value, if the mutex is not held.
    pub fn into_inner(self) -> Option<T> {
        self.slot.lock().take()
    }
}

/// Access to the value of a locked [`Mutex`]; unlocks on drop.
#[must_use = "dropping the guard unlocks at once"]
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    /// Always `Some` until drop.
    value: Option<T>,
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_ref().expect("guard value present until drop")
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect("guard value present until drop")
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        *self.mutex.slot.lock() = self.value.take();
        self.mutex.waiters.wake_one();
    }
}
