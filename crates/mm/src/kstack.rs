//! Kernel stacks with guard pages.
//!
//! Each stack owns a slot of the kernel-stack region (`arch::paging`); the
//! lowest page of the slot is never mapped, so an overflow faults and is
//! reported as "kernel stack overflow" instead of corrupting memory.
//!
//! Freed stacks are kept, still mapped, in a pool and handed out again:
//! unmapping a kernel page would need a TLB shootdown on every CPU, and
//! reusing a slot without one could let a stale TLB entry reach the old
//! frames.

use alloc::vec::Vec;

use arch::context::StackMemory;
use arch::paging::{KSTACK_GUARD_SIZE, KSTACK_REGION_START, KSTACK_SLOT_SIZE, KSTACK_SLOTS};
use arch::irq::IrqMutex;

use crate::frame::FrameKind;
use crate::{PAGE_SIZE, kernel_space};

/// Default size of a kernel stack (the executor's and `stackful` tasks').
pub const KSTACK_SIZE: usize = 64 * 1024;

struct Pool {
    next_slot: usize,
    /// Mapped stacks not in use: (slot, size).
    free: Vec<(usize, usize)>,
}

/// Lock order: kstack pool -> kernel page table -> frames.
static POOL: IrqMutex<Pool> = IrqMutex::new(Pool { next_slot: 0, free: Vec::new() });

/// A guarded kernel stack; returned to the pool on drop.
pub struct KernelStack {
    slot: usize,
    size: usize,
}

impl KernelStack {
    /// A stack of `size` bytes (rounded up to pages, at most the slot size
    /// minus its guard). `None` when memory or slots run out.
    pub fn new(size: usize) -> Option<Self> {
        let size = size.div_ceil(PAGE_SIZE) * PAGE_SIZE;
        assert!(size <= KSTACK_SLOT_SIZE - KSTACK_GUARD_SIZE, "kernel stack of {size} bytes too big");
        let mut pool = POOL.lock();
        if let Some(i) = pool.free.iter().position(|&(_, s)| s == size) {
            let (slot, size) = pool.free.swap_remove(i);
            return Some(Self { slot, size });
        }
        if pool.next_slot >= KSTACK_SLOTS {
            return None;
        }
        let slot = pool.next_slot;
        let top = slot_top(slot);
        for page in (top - size..top).step_by(PAGE_SIZE) {
            kernel_space::map_new_page(page, FrameKind::KernelStack)?;
        }
        pool.next_slot += 1;
        Some(Self { slot, size })
    }

    /// Number of stacks ever mapped (a statistic).
    pub fn slots_in_use() -> usize {
        POOL.lock().next_slot
    }
}

fn slot_top(slot: usize) -> usize {
    KSTACK_REGION_START + (slot + 1) * KSTACK_SLOT_SIZE
}

impl Drop for KernelStack {
    fn drop(&mut self) {
        POOL.lock().free.push((self.slot, self.size));
    }
}

// SAFETY: `bottom..top` was mapped read-write by `new` (or by the stack's
// earlier owner) and stays mapped forever; the pool hands a slot to one
// KernelStack at a time, so the memory is used by nothing else.
unsafe impl StackMemory for KernelStack {
    fn bottom(&self) -> usize {
        slot_top(self.slot) - self.size
    }

    fn top(&self) -> usize {
        slot_top(self.slot)
    }
}
