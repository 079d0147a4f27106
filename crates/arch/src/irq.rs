//! Interrupt-safe critical sections.
//!
//! Every spin lock in weft is taken with interrupts off: data touched from
//! an interrupt handler (the serial port) needs it, and so does every lock a
//! preemptible `stackful` task can hold: if the timer could switch such a
//! task out while it held a lock, its own CPU's executor could then spin on
//! that lock forever. With interrupts off, preemption never happens inside a
//! critical section (Linux gets the same from `preempt_count`).

use core::sync::atomic::{AtomicBool, Ordering};

use crate::cpu;

/// Interrupts off until dropped; restores the previous state.
pub struct IrqSave {
    was_enabled: bool,
}

impl IrqSave {
    pub fn new() -> Self {
        let was_enabled = cpu::interrupts_enabled();
        if was_enabled {
            cpu::disable_interrupts();
        }
        Self { was_enabled }
    }
}

impl Default for IrqSave {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for IrqSave {
    fn drop(&mut self) {
        if self.was_enabled {
            cpu::enable_interrupts();
        }
    }
}

/// A raw spin lock that disables interrupts while held.
///
/// The interrupt state at `lock` is kept in the lock itself (only its holder
/// writes it) and restored at `unlock`; nested locks must be released in
/// reverse order, which guards do naturally.
pub struct RawIrqSpinLock {
    locked: AtomicBool,
    irq_was_enabled: AtomicBool,
}

// SAFETY: `lock` returns only after a successful acquire CAS from false to
// true and `unlock` stores false with release ordering, so at most one
// holder exists and its writes happen-before the next holder's reads.
unsafe impl lock_api::RawMutex for RawIrqSpinLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: Self = Self { locked: AtomicBool::new(false), irq_was_enabled: AtomicBool::new(false) };
    type GuardMarker = lock_api::GuardNoSend;

    fn lock(&self) {
        loop {
            if self.try_lock() {
                return;
            }
            while self.locked.load(Ordering::Relaxed) {
                cpu::pause();
            }
        }
    }

    fn try_lock(&self) -> bool {
        let was_enabled = cpu::interrupts_enabled();
        if was_enabled {
            cpu::disable_interrupts();
        }
        if self.locked.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_ok() {
            self.irq_was_enabled.store(was_enabled, Ordering::Relaxed);
            true
        } else {
            if was_enabled {
                cpu::enable_interrupts();
            }
            false
        }
    }

    unsafe fn unlock(&self) {
        let was_enabled = self.irq_was_enabled.load(Ordering::Relaxed);
        self.locked.store(false, Ordering::Release);
        if was_enabled {
            cpu::enable_interrupts();
        }
    }

    fn is_locked(&self) -> bool {
        self.locked.load(Ordering::Relaxed)
    }
}

/// A spin lock held with interrupts disabled.
pub type IrqMutex<T> = lock_api::Mutex<RawIrqSpinLock, T>;
/// Guard of an [`IrqMutex`].
pub type IrqMutexGuard<'a, T> = lock_api::MutexGuard<'a, RawIrqSpinLock, T>;
