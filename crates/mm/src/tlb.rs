//! Which CPU runs which page table, TLB shootdowns, and the address-space
//! lock that keeps answering them.
//!
//! # Who has what loaded
//!
//! `CURRENT[cpu]` is the user PML4 that CPU has in CR3 (0: the kernel's own
//! table). Only the CPU itself writes its slot, with interrupts off, right
//! before it writes CR3. Each address space also keeps a mask of CPUs that
//! ever activated it; it only narrows the search: a CPU may stay in the mask
//! after it left (bits are never cleared by others, which would race with the
//! CPU coming back), and the initiator checks `CURRENT` for each candidate.
//!
//! # Shootdown protocol (kernel)
//!
//! The initiator has already changed the page-table entries. Then, with
//! interrupts off (no preemption, so the CPU id and this CPU's request slot
//! stay ours):
//!
//! 1. a SeqCst fence orders the entry writes before the reads of `CURRENT`:
//!    a CPU that stores `CURRENT = root` after that read loads CR3 after the
//!    entries changed, so it cannot cache the old translation;
//! 2. it flushes locally if this CPU runs the tree;
//! 3. it writes its request slot (`REQUESTS[me]`: root, range or "leave"),
//!    sets `pending` to the target mask, sets its bit in each target's
//!    `INBOX`, and sends each target the `VEC_TLB_SHOOTDOWN` IPI;
//! 4. it spins until `pending` is 0, servicing its own inbox meanwhile, so
//!    two CPUs shooting at each other both progress.
//!
//! A target handles its inbox in the IPI handler, or earlier when it polls
//! (while spinning on an address-space lock, or waiting as an initiator).
//! For each request it flushes (or, for "leave", switches to the kernel
//! table) if its `CURRENT` still is the request's root, then clears its bit
//! in the initiator's `pending` with Release.
//!
//! A target with interrupts off takes the IPI when it enables them again.
//! So an initiator must not hold, while it waits, any lock that a target
//! may spin on with interrupts off. The only locks held around a shootdown
//! are address-space locks ([`MmLock`]), and a CPU spinning on one of
//! those polls its inbox: no deadlock. Callers of `mm` must not hold other
//! spin locks across an mm operation (docs/memory.md, "Lock order").

#[cfg(target_os = "none")]
pub use kernel::*;
#[cfg(not(target_os = "none"))]
pub use host::*;

use ksync::{SpinLock, SpinLockGuard};

/// Guard of an [`MmLock`].
pub type MmGuard<'a, T> = SpinLockGuard<'a, T>;

/// The lock of an address space: a `ksync::SpinLock` whose waiters keep
/// answering TLB shootdowns (see the module doc).
pub struct MmLock<T>(SpinLock<T>);

impl<T> MmLock<T> {
    /// The caller's location is the lock's lockdep class (see `ksync`).
    #[track_caller]
    pub const fn new(value: T) -> Self {
        Self(SpinLock::new(value))
    }

    pub fn lock(&self) -> MmGuard<'_, T> {
        self.0.lock_polling(service_pending)
    }
}

#[cfg(target_os = "none")]
mod kernel {
    use core::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering, fence};

    use arch::MAX_CPUS;
    use arch::irq::IrqSave;
    use arch::percpu;

    use crate::PAGE_SIZE;

    /// Above this many pages a range flush flushes the whole TLB instead.
    const FLUSH_ALL_THRESHOLD: usize = 32;

    /// The user PML4 each CPU has loaded; 0 for the kernel table.
    static CURRENT: [AtomicU64; MAX_CPUS] = [const { AtomicU64::new(0) }; MAX_CPUS];
    /// Bit i set: initiator CPU i has a request for this CPU.
    static INBOX: [AtomicU64; MAX_CPUS] = [const { AtomicU64::new(0) }; MAX_CPUS];
    /// One request slot per initiator CPU; written only by its CPU, with
    /// interrupts off, while `pending` is 0.
    static REQUESTS: [Request; MAX_CPUS] = [const { Request::new() }; MAX_CPUS];

    const OP_RANGE: u8 = 0;
    const OP_LEAVE: u8 = 1;

    struct Request {
        root: AtomicU64,
        op: AtomicU8,
        start: AtomicUsize,
        end: AtomicUsize,
        /// Targets that have not acknowledged yet.
        pending: AtomicU64,
    }

    impl Request {
        const fn new() -> Self {
            Self {
                root: AtomicU64::new(0),
                op: AtomicU8::new(OP_RANGE),
                start: AtomicUsize::new(0),
                end: AtomicUsize::new(0),
                pending: AtomicU64::new(0),
            }
        }
    }

    /// Registers the shootdown IPI handler (once, at boot, before other
    /// CPUs start; `kernel_space::init` calls it).
    pub fn init() {
        arch::trap::set_irq_handler(arch::trap::VEC_TLB_SHOOTDOWN, |_| service(percpu::cpu_id()));
    }

    /// Loads `root` into CR3 unless this CPU runs it already.
    ///
    /// # Safety
    /// `root` is a user PML4 whose kernel half is the kernel's, and it stays
    /// a valid page table until `leave_everywhere(root, ..)` has returned.
    pub unsafe fn activate(root: u64, active: &AtomicU64) {
        let _irq = IrqSave::new();
        let me = percpu::cpu_id();
        if CURRENT[me].load(Ordering::Relaxed) == root {
            return;
        }
        active.fetch_or(1 << me, Ordering::SeqCst);
        // Before CR3: an initiator that misses this store changed its
        // entries before we load the table (module doc, step 1).
        CURRENT[me].store(root, Ordering::SeqCst);
        // SAFETY: (1) `root` is a valid PML4 sharing the kernel half
        // (caller's contract), so the running kernel code, stack and data
        // stay mapped; (2) it stays valid while loaded: `leave_everywhere`
        // switches this CPU away before the caller frees it.
        unsafe { arch::paging::activate_page_table(root) };
    }

    /// Switches this CPU to the kernel's own table if it has a user table
    /// loaded (an idle CPU then receives no shootdowns for it). Costs a TLB
    /// flush; call before halting, not between tasks.
    pub fn leave_user_space() {
        let _irq = IrqSave::new();
        let me = percpu::cpu_id();
        if CURRENT[me].load(Ordering::Relaxed) != 0 {
            apply(me, OP_LEAVE, 0, 0);
        }
    }

    /// Whether this CPU has `root` loaded.
    pub fn is_current(root: u64) -> bool {
        let _irq = IrqSave::new();
        CURRENT[percpu::cpu_id()].load(Ordering::Relaxed) == root
    }

    /// Flushes `start..end` of the tree `root` from every CPU running it.
    pub fn flush(root: u64, active: &AtomicU64, start: usize, end: usize) {
        shootdown(root, active, OP_RANGE, start, end);
    }

    /// Makes every CPU that runs `root` switch to the kernel table, so the
    /// tree can be freed.
    pub fn leave_everywhere(root: u64, active: &AtomicU64) {
        shootdown(root, active, OP_LEAVE, 0, 0);
    }

    /// Answers pending shootdown requests aimed at this CPU.
    pub fn service_pending() {
        let _irq = IrqSave::new();
        service(percpu::cpu_id());
    }

    fn shootdown(root: u64, active: &AtomicU64, op: u8, start: usize, end: usize) {
        let _irq = IrqSave::new();
        let me = percpu::cpu_id();
        fence(Ordering::SeqCst);
        let mut targets = 0u64;
        let mut mask = active.load(Ordering::SeqCst) & !(1 << me);
        while mask != 0 {
            let cpu = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if CURRENT[cpu].load(Ordering::SeqCst) == root {
                targets |= 1 << cpu;
            }
        }
        if CURRENT[me].load(Ordering::Relaxed) == root {
            apply(me, op, start, end);
        }
        if targets == 0 {
            return;
        }
        let req = &REQUESTS[me];
        debug_assert_eq!(req.pending.load(Ordering::Relaxed), 0);
        req.root.store(root, Ordering::Relaxed);
        req.op.store(op, Ordering::Relaxed);
        req.start.store(start, Ordering::Relaxed);
        req.end.store(end, Ordering::Relaxed);
        req.pending.store(targets, Ordering::Release);
        let mut mask = targets;
        while mask != 0 {
            let cpu = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            // Release: the request fields above are visible to the target
            // once it sees this bit.
            INBOX[cpu].fetch_or(1 << me, Ordering::AcqRel);
            arch::apic::send_ipi(percpu::of(cpu).apic_id(), arch::trap::VEC_TLB_SHOOTDOWN);
        }
        let mut spins: u64 = 0;
        while req.pending.load(Ordering::Acquire) != 0 {
            service(me);
            core::hint::spin_loop();
            spins += 1;
            if spins == 1 << 28 {
                log::warn!("cpu{me}: TLB shootdown waiting long for cpus {:#x}", req.pending.load(Ordering::Relaxed));
            }
        }
    }

    /// Handles this CPU's inbox. Interrupts are off (IPI handler, or the
    /// callers above hold an `IrqSave`).
    fn service(me: usize) {
        let mut from = INBOX[me].swap(0, Ordering::AcqRel);
        while from != 0 {
            let initiator = from.trailing_zeros() as usize;
            from &= from - 1;
            let req = &REQUESTS[initiator];
            if CURRENT[me].load(Ordering::Relaxed) == req.root.load(Ordering::Relaxed) {
                let op = req.op.load(Ordering::Relaxed);
                apply(me, op, req.start.load(Ordering::Relaxed), req.end.load(Ordering::Relaxed));
            }
            // Release: our flush is done before the initiator proceeds.
            req.pending.fetch_and(!(1 << me), Ordering::Release);
        }
    }

    fn apply(me: usize, op: u8, start: usize, end: usize) {
        if op == OP_LEAVE {
            CURRENT[me].store(0, Ordering::SeqCst);
            // SAFETY: (1) the kernel's own PML4 is valid forever and maps the
            // kernel half exactly as every user PML4 does, so the code
            // running now stays mapped; (2) interrupts are off, so nothing
            // runs between the CURRENT store and the switch.
            unsafe { arch::paging::activate_page_table(arch::paging::kernel_page_table()) };
        } else if end.saturating_sub(start) / PAGE_SIZE > FLUSH_ALL_THRESHOLD {
            arch::paging::flush_all();
        } else {
            for va in (start..end).step_by(PAGE_SIZE) {
                arch::paging::flush_page(va);
            }
        }
    }
}

#[cfg(not(target_os = "none"))]
mod host {
    //! One simulated CPU: CR3 is the `CURRENT` word and flushes are counted
    //! (tests check that operations that must flush do).
    use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    static CURRENT: AtomicU64 = AtomicU64::new(0);
    static FLUSHES: AtomicUsize = AtomicUsize::new(0);

    pub fn init() {}

    /// # Safety
    /// As in the kernel: `root` stays valid until `leave_everywhere`.
    pub unsafe fn activate(root: u64, active: &AtomicU64) {
        active.fetch_or(1, Ordering::SeqCst);
        CURRENT.store(root, Ordering::SeqCst);
    }

    pub fn is_current(root: u64) -> bool {
        CURRENT.load(Ordering::SeqCst) == root
    }

    pub fn leave_user_space() {
        CURRENT.store(0, Ordering::SeqCst);
    }

    pub fn flush(_root: u64, _active: &AtomicU64, _start: usize, _end: usize) {
        FLUSHES.fetch_add(1, Ordering::Relaxed);
    }

    pub fn leave_everywhere(root: u64, _active: &AtomicU64) {
        let _ = CURRENT.compare_exchange(root, 0, Ordering::SeqCst, Ordering::SeqCst);
    }

    pub fn service_pending() {}

    /// Flushes requested so far (host tests).
    pub fn flush_count() -> usize {
        FLUSHES.load(Ordering::Relaxed)
    }
}
