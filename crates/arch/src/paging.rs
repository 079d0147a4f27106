//! Page-table hardware: CR3, TLB invalidation, and the kernel virtual
//! regions whose layout the trap code must know (stack guards).
//!
//! Kernel virtual layout (upper half, shared by every address space):
//!
//! | range                                   | what                          |
//! |-----------------------------------------|-------------------------------|
//! | `0xffff_8000_0000_0000` + RAM size      | direct map of physical memory |
//! | `0xffff_c000_0000_0000` .. +512 GiB     | kernel stacks, one slot each  |
//! | `0xffff_ffff_8000_0000` ..              | kernel image                  |

use core::arch::asm;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::PAGE_SIZE;

/// Start of the kernel-stack region.
pub const KSTACK_REGION_START: usize = 0xffff_c000_0000_0000;
/// Each stack owns a slot this big; its lowest `KSTACK_GUARD_SIZE` bytes are
/// never mapped, so running off the bottom faults.
pub const KSTACK_SLOT_SIZE: usize = 256 * 1024;
pub const KSTACK_GUARD_SIZE: usize = PAGE_SIZE;
/// Number of stack slots (the region is one PML4 entry: 512 GiB).
pub const KSTACK_SLOTS: usize = (512 << 30) / KSTACK_SLOT_SIZE;

/// Whether a fault at `addr` means a kernel stack overflowed: stacks sit at
/// the top of their slots and nothing else is mapped in the region, so any
/// fault there is a stack running off its bottom (into at least the slot's
/// guard page). The boot stack has one guard page below it.
pub fn is_stack_guard(addr: usize) -> bool {
    let in_region = (KSTACK_REGION_START..KSTACK_REGION_START + KSTACK_SLOTS * KSTACK_SLOT_SIZE).contains(&addr);
    let (boot_bottom, _) = crate::boot::boot_stack_range();
    in_region || (boot_bottom - PAGE_SIZE..boot_bottom).contains(&addr)
}

/// Whether `addr` is the boot stack's guard page.
pub fn is_boot_stack_guard(addr: usize) -> bool {
    let (boot_bottom, _) = crate::boot::boot_stack_range();
    (boot_bottom - PAGE_SIZE..boot_bottom).contains(&addr)
}

/// Physical address of the kernel's own page table (set by `mm`), used by
/// CPUs that start later.
static KERNEL_PAGE_TABLE: AtomicU64 = AtomicU64::new(0);

pub fn set_kernel_page_table(phys: u64) {
    KERNEL_PAGE_TABLE.store(phys, Ordering::Release);
}

pub fn kernel_page_table() -> u64 {
    KERNEL_PAGE_TABLE.load(Ordering::Acquire)
}

/// The physical address of the active top-level page table.
pub fn current_page_table() -> u64 {
    let cr3: u64;
    // SAFETY: reading CR3 has no side effects.
    unsafe { asm!("mov {}, cr3", out(reg) cr3, options(nomem, nostack, preserves_flags)) };
    cr3 & !0xfff
}

/// Switches to another address space.
///
/// # Safety
/// `phys` must be a valid PML4 whose upper half maps the kernel exactly as
/// the current one does (every address space shares the kernel half).
pub unsafe fn activate_page_table(phys: u64) {
    // SAFETY: forwarded to the caller.
    unsafe { asm!("mov cr3, {}", in(reg) phys, options(nostack, preserves_flags)) };
}

/// Drops the TLB entry of one page on this CPU.
#[inline]
pub fn flush_page(virt: usize) {
    // SAFETY: invlpg only affects the TLB.
    unsafe { asm!("invlpg [{}]", in(reg) virt, options(nostack, preserves_flags)) };
}

/// Drops all non-global TLB entries on this CPU.
pub fn flush_all() {
    // SAFETY: reloading CR3 with its own value keeps the address space.
    unsafe { activate_page_table(current_page_table()) };
}
