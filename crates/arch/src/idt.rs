//! The interrupt descriptor table: every vector goes to its stub in
//! `trap.rs`.
//!
//! Hand-built instead of `x86_64::structures::idt`: that table is typed by
//! handler signature, while all of ours are raw asm stubs at computed
//! addresses.

use x86_64::VirtAddr;
use x86_64::instructions::tables::lidt;
use x86_64::structures::DescriptorTablePointer;

use crate::gdt::KERNEL_CS;
use crate::trap;

/// Index into the TSS's interrupt stack table for #DF.
pub const DOUBLE_FAULT_IST_INDEX: u16 = 0;

#[derive(Clone, Copy)]
#[repr(C)]
struct Gate {
    offset_low: u16,
    selector: u16,
    ist: u8,
    type_attr: u8,
    offset_mid: u16,
    offset_high: u32,
    reserved: u32,
}

impl Gate {
    const EMPTY: Gate =
        Gate { offset_low: 0, selector: 0, ist: 0, type_attr: 0, offset_mid: 0, offset_high: 0, reserved: 0 };

    fn new(handler: u64, dpl: u8, ist: u8) -> Self {
        Gate {
            offset_low: handler as u16,
            selector: KERNEL_CS,
            ist,
            // present, interrupt gate (IF cleared on entry)
            type_attr: 0x80 | (dpl << 5) | 0xe,
            offset_mid: (handler >> 16) as u16,
            offset_high: (handler >> 32) as u32,
            reserved: 0,
        }
    }
}

#[repr(C, align(16))]
struct Idt([Gate; 256]);

static mut IDT: Idt = Idt([Gate::EMPTY; 256]);

/// Fills the IDT (boot CPU, once).
pub(crate) fn init() {
    for vector in 0..256usize {
        // #BP and #OF may be raised by user code (int3, into), as on Linux.
        let dpl = if vector == trap::VEC_BREAKPOINT as usize || vector == trap::VEC_OVERFLOW as usize { 3 } else { 0 };
        let ist = if vector == trap::VEC_DOUBLE_FAULT as usize { DOUBLE_FAULT_IST_INDEX as u8 + 1 } else { 0 };
        let gate = Gate::new(trap::stub_address(vector), dpl, ist);
        // SAFETY: the boot CPU fills the table before any CPU loads it.
        unsafe { (*core::ptr::addr_of_mut!(IDT)).0[vector] = gate };
    }
}

/// Loads the IDT on this CPU.
pub(crate) fn load() {
    let ptr = DescriptorTablePointer {
        limit: (core::mem::size_of::<Idt>() - 1) as u16,
        base: VirtAddr::new(core::ptr::addr_of!(IDT) as u64),
    };
    // SAFETY: IDT is a static, filled by `init` before any `load`.
    unsafe { lidt(&ptr) };
}
