//! x86_64 hardware layer of weft.
//!
//! Everything here touches the machine: the PVH boot entry, descriptor
//! tables, trap entry and exit, the local APIC and timer, application
//! processor start-up, entering user mode, stack switching, and user-memory
//! copies that recover from faults. The rest of the kernel reaches the
//! hardware only through the safe types and functions exported here
//! (DESIGN.md §2: the unsafe surface stays in `arch` and low-level `mm`).
#![no_std]

pub mod apic;
pub mod backtrace;
pub mod boot;
pub mod context;
pub mod firmware;
pub mod cpu;
pub mod fpu;
pub mod gdt;
pub mod idt;
pub mod irq;
pub mod paging;
pub mod percpu;
pub mod power;
pub mod serial;
pub mod smp;
pub mod time;
pub mod trap;
pub mod user;
pub mod useratomic;
pub mod usercopy;

/// Virtual address of physical address 0 in the direct map of all RAM.
pub const PHYS_OFFSET: usize = 0xffff_8000_0000_0000;
/// Virtual address the kernel image is linked at (physical address + this).
pub const KERNEL_VMA: usize = 0xffff_ffff_8000_0000;
/// Size of a base page.
pub const PAGE_SIZE: usize = 4096;
/// Most CPUs weft brings up; per-CPU areas are sized for this many.
pub const MAX_CPUS: usize = 16;

/// The direct-map address of a physical address.
#[inline]
pub const fn phys_to_virt(phys: u64) -> usize {
    phys as usize + PHYS_OFFSET
}

/// The physical address behind a direct-map or kernel-image address.
#[inline]
pub const fn virt_to_phys(virt: usize) -> u64 {
    if virt >= KERNEL_VMA {
        (virt - KERNEL_VMA) as u64
    } else {
        (virt - PHYS_OFFSET) as u64
    }
}
