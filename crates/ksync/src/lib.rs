//! The locks every logic crate uses.
//!
//! In the kernel a [`SpinLock`] disables interrupts while held (see
//! `arch::irq` for why: no preemption inside a critical section). On the
//! host, where the same crates are unit-tested, it is a plain spin lock.
//!
//! In debug builds each lock remembers its *class*, the place in the source
//! that created it, and the kernel checks the order and hold time of every
//! lock it takes ([`lockdep`]). Release builds carry neither.
//!
//! Lock order is documented where locks are declared; the global order is
//! collected in docs/locking.md.
#![no_std]
#![forbid(unsafe_code)]

pub mod lockdep;

use core::fmt;
use core::ops::{Deref, DerefMut};
#[cfg(debug_assertions)]
use core::panic::Location;

#[cfg(target_os = "none")]
pub type RawSpinLock = arch::irq::RawIrqSpinLock;
#[cfg(not(target_os = "none"))]
pub type RawSpinLock = spin::Mutex<()>;

/// A spin lock (interrupt-disabling in the kernel).
///
/// A newtype around `lock_api::Mutex` rather than an alias so that debug
/// builds can record where each lock was created and hook `lock` and the
/// guard's drop ([`lockdep`]).
pub struct SpinLock<T: ?Sized> {
    /// The lock's class for [`lockdep`]: where `new` was called.
    #[cfg(debug_assertions)]
    class: &'static Location<'static>,
    inner: lock_api::Mutex<RawSpinLock, T>,
}

/// Guard of a [`SpinLock`]; unlocks when dropped.
#[must_use = "if unused the SpinLock will immediately unlock"]
pub struct SpinLockGuard<'a, T: ?Sized + 'a> {
    inner: lock_api::MutexGuard<'a, RawSpinLock, T>,
}

impl<T> SpinLock<T> {
    /// A new unlocked lock. The caller's location becomes the lock's class
    /// in debug builds, so all locks created by one line of code are one
    /// class (Linux's lockdep keys locks by their init site the same way).
    #[track_caller]
    #[inline]
    pub const fn new(value: T) -> Self {
        Self {
            #[cfg(debug_assertions)]
            class: Location::caller(),
            inner: lock_api::Mutex::new(value),
        }
    }

    pub fn into_inner(self) -> T {
        self.inner.into_inner()
    }
}

impl<T: ?Sized> SpinLock<T> {
    /// Spins until the lock is free, then takes it.
    #[inline]
    pub fn lock(&self) -> SpinLockGuard<'_, T> {
        self.will_lock();
        let inner = self.inner.lock();
        self.locked();
        SpinLockGuard { inner }
    }

    /// Takes the lock, calling `poll` between attempts while it is busy
    /// (`mm` answers TLB shootdowns there; see `mm::tlb`). Checked by lockdep
    /// like [`lock`](Self::lock), unlike `try_lock`.
    pub fn lock_polling(&self, mut poll: impl FnMut()) -> SpinLockGuard<'_, T> {
        self.will_lock();
        let inner = loop {
            if let Some(inner) = self.inner.try_lock() {
                break inner;
            }
            poll();
            core::hint::spin_loop();
        };
        self.locked();
        SpinLockGuard { inner }
    }

    /// Takes the lock if it is free. A try-lock cannot deadlock, so lockdep
    /// does not check its order, but locks taken while it is held are.
    #[inline]
    pub fn try_lock(&self) -> Option<SpinLockGuard<'_, T>> {
        let inner = self.inner.try_lock()?;
        self.locked();
        Some(SpinLockGuard { inner })
    }

    pub fn is_locked(&self) -> bool {
        self.inner.is_locked()
    }

    pub fn get_mut(&mut self) -> &mut T {
        self.inner.get_mut()
    }

    /// Where the lock was created: its lockdep class.
    #[cfg(debug_assertions)]
    pub fn class(&self) -> &'static Location<'static> {
        self.class
    }

    #[inline(always)]
    fn will_lock(&self) {
        #[cfg(debug_assertions)]
        lockdep::will_lock(self.class);
    }

    #[inline(always)]
    fn locked(&self) {
        #[cfg(debug_assertions)]
        lockdep::locked(self.class, lock_id(&self.inner));
    }
}

/// Identifies a lock instance for lockdep: its address.
#[cfg(debug_assertions)]
fn lock_id<T: ?Sized>(lock: &lock_api::Mutex<RawSpinLock, T>) -> usize {
    lock as *const lock_api::Mutex<RawSpinLock, T> as *const u8 as usize
}

impl<T: Default> Default for SpinLock<T> {
    /// Its class is the caller of `default`; for a field of a struct that
    /// derives `Default`, that is the struct's `#[derive]`.
    #[track_caller]
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for SpinLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<T: ?Sized> Deref for SpinLockGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> DerefMut for SpinLockGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: ?Sized> Drop for SpinLockGuard<'_, T> {
    /// Tells lockdep first; `inner` unlocks after this returns.
    #[inline]
    fn drop(&mut self) {
        #[cfg(debug_assertions)]
        lockdep::unlocking(lock_id(lock_api::MutexGuard::mutex(&self.inner)));
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for SpinLockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for SpinLockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

pub use spin::{Lazy, Once};

#[cfg(test)]
mod test;
