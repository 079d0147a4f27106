//! The locks every logic crate uses.
//!
//! In the kernel a [`SpinLock`] disables interrupts while held (see
//! `arch::irq` for why: no preemption inside a critical section). On the
//! host, where the same crates are unit-tested, it is a plain spin lock.
//!
//! Lock order is documented where locks are declared; the global order is
//! collected in docs/locking.md.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(target_os = "none")]
pub type RawSpinLock = arch::irq::RawIrqSpinLock;
#[cfg(not(target_os = "none"))]
pub type RawSpinLock = spin::Mutex<()>;

/// A spin lock (interrupt-disabling in the kernel).
pub type SpinLock<T> = lock_api::Mutex<RawSpinLock, T>;
/// Guard of a [`SpinLock`].
pub type SpinLockGuard<'a, T> = lock_api::MutexGuard<'a, RawSpinLock, T>;

pub use spin::{Lazy, Once};
