//! Segment descriptors. The selectors match Linux's x86_64 layout
//! (arch/x86/include/asm/segment.h), so user programs that read `cs`/`ss`
//! from a signal frame see the values they would see on Linux.

use core::arch::asm;

use x86_64::VirtAddr;
use x86_64::instructions::tables::{lgdt, load_tss};
use x86_64::registers::segmentation::SegmentSelector;
use x86_64::structures::DescriptorTablePointer;
use x86_64::structures::tss::TaskStateSegment;

pub const KERNEL_CS: u16 = 0x10;
pub const KERNEL_DS: u16 = 0x18;
pub const USER32_CS: u16 = 0x23;
pub const USER_DS: u16 = 0x2b;
pub const USER_CS: u16 = 0x33;
const TSS_SELECTOR: u16 = 0x40;
/// The slot of the descriptor that points at the running process's LDT
/// (modify_ldt), rewritten when a thread with another LDT enters user mode.
pub(crate) const LDT_SELECTOR: u16 = 0x50;
const LDT_SLOT: usize = (LDT_SELECTOR / 8) as usize;

/// Entries: null, unused, kernel code, kernel data, user code32, user data,
/// user code64, unused, TSS (two slots), LDT (two slots).
pub const GDT_ENTRIES: usize = 12;

const KERNEL_CODE64: u64 = 0x00af_9a00_0000_ffff;
const KERNEL_DATA: u64 = 0x00cf_9200_0000_ffff;
const USER_CODE32: u64 = 0x00cf_fa00_0000_ffff;
const USER_DATA: u64 = 0x00cf_f200_0000_ffff;
const USER_CODE64: u64 = 0x00af_fa00_0000_ffff;

/// Fills `gdt` for one CPU whose TSS is at `tss`.
pub(crate) fn build(gdt: &mut [u64; GDT_ENTRIES], tss: *const TaskStateSegment) {
    let base = tss as u64;
    let limit = (core::mem::size_of::<TaskStateSegment>() - 1) as u64;
    let tss_low = (limit & 0xffff)
        | ((base & 0xff_ffff) << 16)
        | (0x89 << 40) // present, 64-bit available TSS
        | (((limit >> 16) & 0xf) << 48)
        | (((base >> 24) & 0xff) << 56);
    *gdt = [0, 0, KERNEL_CODE64, KERNEL_DATA, USER_CODE32, USER_DATA, USER_CODE64, 0, tss_low, base >> 32, 0, 0];
}

/// Points `gdt`'s LDT slot at `entries` descriptors at `base`.
pub(crate) fn set_ldt(gdt: &mut [u64; GDT_ENTRIES], base: u64, entries: usize) {
    let limit = (entries * 8 - 1) as u64;
    gdt[LDT_SLOT] = (limit & 0xffff)
        | ((base & 0xff_ffff) << 16)
        | (0x82 << 40) // present, LDT
        | (((limit >> 16) & 0xf) << 48)
        | (((base >> 24) & 0xff) << 56);
    gdt[LDT_SLOT + 1] = base >> 32;
}

/// Loads `gdt` and the TSS it describes on this CPU and reloads the segment
/// registers.
///
/// # Safety
/// `gdt` must stay valid and unmoved for as long as the CPU runs, and its TSS
/// entry must describe a valid, unmoving TSS.
pub(crate) unsafe fn load(gdt: *const [u64; GDT_ENTRIES]) {
    let ptr = DescriptorTablePointer {
        limit: (GDT_ENTRIES * 8 - 1) as u16,
        base: VirtAddr::new(gdt as u64),
    };
    // SAFETY: the caller guarantees the table lives forever; the selectors
    // below index valid entries of it.
    unsafe {
        lgdt(&ptr);
        asm!(
            "push {cs}",
            "lea {tmp}, [rip + 2f]",
            "push {tmp}",
            "retfq",
            "2:",
            "mov ds, {ds:x}",
            "mov es, {ds:x}",
            "mov ss, {ds:x}",
            cs = const KERNEL_CS as u64,
            ds = in(reg) KERNEL_DS as u64,
            tmp = out(reg) _,
        );
        load_tss(SegmentSelector(TSS_SELECTOR));
    }
}
