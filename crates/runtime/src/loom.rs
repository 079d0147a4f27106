//! The types the concurrency protocols are built from, swapped for loom's
//! when model-checking (`RUSTFLAGS="--cfg loom"`), the way
//! `tokio/src/loom/mod.rs` does it.
//!
//! Only the state that takes part in a protocol goes through this facade:
//! the task state word, run-queue locks and lengths, `need_resched`, the
//! halted-CPU mask,
//! wait-queue and join locks, timer deadlines and the RCU masks. Plain
//! counters and hints (task ids, statistics, home CPU) use `core` atomics
//! directly, and a few locks that are only ever taken with no loom
//! operation inside their critical section (the run-queue link, the future
//! slot, task names, the registry) stay `ksync::SpinLock`: loom never
//! switches threads inside such a section, so they cannot spin under it.

#[cfg(not(loom))]
pub(crate) mod sync {
    pub(crate) use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
    pub(crate) use ksync::SpinLock;
}

#[cfg(loom)]
pub(crate) mod sync {
    pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

    /// loom's mutex with the `ksync::SpinLock` calling convention.
    #[derive(Debug, Default)]
    pub(crate) struct SpinLock<T>(loom::sync::Mutex<T>);

    impl<T> SpinLock<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
            self.0.lock().unwrap()
        }
    }
}

/// Spin-wait hint; a yield point for loom.
#[inline]
pub(crate) fn spin_loop() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    core::hint::spin_loop();
}
