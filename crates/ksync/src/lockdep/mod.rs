//! lockdep-lite: lock-order and hold-time checks for [`SpinLock`](crate::SpinLock)
//! in debug kernel builds.
//!
//! Why: an ABBA deadlock (CPU 0 holds A and spins on B while CPU 1 holds B
//! and spins on A) needs an unlucky interleaving to show up, but the two
//! orders that make it possible are taken, one after the other, in any
//! ordinary run. Recording the orders catches the bug on a run that did not
//! deadlock, the way Linux's lockdep does.
//!
//! How:
//! - A lock's *class* is the place in the source that created it
//!   (`Location::caller()` of `SpinLock::new`), so all locks made by one
//!   line are one class, as Linux keys locks by their init site.
//! - Each CPU keeps a stack of the locks it holds (class, address, time
//!   taken). Spin locks disable interrupts, so a holder never migrates and
//!   only its own CPU ever touches that stack.
//! - Before a lock of class B is taken, for each held class A the pair
//!   (A, B) goes into a global lock-free table with the current stack
//!   ([`table`]); if (B, A) is already there, the first such inversion is
//!   printed, once, as `LOCKDEP: lock order inversion` with both init sites,
//!   the stack saved with B -> A and the current one.
//! - At release, a lock held longer than 100 ms is printed, once per class,
//!   as `LOCKDEP: <site> held for N ms` with the stack.
//!
//! Limits, on purpose:
//! - Only direct pairs are checked, not transitive cycles: A -> B, B -> C,
//!   C -> A is not reported unless some code also takes A while holding C,
//!   or C while holding A (Linux walks the whole graph for that).
//! - Two locks of one class (futex buckets taken in address order) are not
//!   checked against each other; the code keeps their order itself.
//! - `try_lock` cannot deadlock: it records the lock as held but checks no
//!   order for it.
//! - Only `ksync::SpinLock` is checked; `arch`'s `IrqMutex` locks (serial,
//!   log ring, frame allocator, kernel heap) are leaves and are not.
//! - When the table is full, order checking turns off (hold times are still
//!   checked); it never panics, and a report never panics either.
//!
//! On the host (unit tests) the hooks are empty; [`table`] is tested there.

#[cfg(any(test, all(target_os = "none", debug_assertions)))]
mod table;
#[cfg(test)]
mod test;

#[cfg(all(target_os = "none", debug_assertions))]
mod hooks;

#[cfg(all(target_os = "none", debug_assertions))]
pub(crate) use hooks::{locked, unlocking, will_lock};

/// Whether a lock-order inversion has been reported (always false where
/// lockdep is compiled out: release builds and the host).
pub fn inversion_reported() -> bool {
    #[cfg(all(target_os = "none", debug_assertions))]
    return hooks::inversion_reported();
    #[cfg(not(all(target_os = "none", debug_assertions)))]
    false
}

#[cfg(all(not(target_os = "none"), debug_assertions))]
mod host {
    use core::panic::Location;

    #[inline(always)]
    pub(crate) fn will_lock(_class: &'static Location<'static>) {}

    #[inline(always)]
    pub(crate) fn locked(_class: &'static Location<'static>, _lock: usize) {}

    #[inline(always)]
    pub(crate) fn unlocking(_lock: usize) {}
}

#[cfg(all(not(target_os = "none"), debug_assertions))]
pub(crate) use host::{locked, unlocking, will_lock};
