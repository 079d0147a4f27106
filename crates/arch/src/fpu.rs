//! User FPU/SSE/AVX state.
//!
//! The kernel is built soft-float and never touches these registers, so a
//! thread's state stays live in the CPU across its own system calls. It is
//! saved only when the thread stops running on this CPU (its task yields or
//! blocks) and restored when it next enters user mode where the registers
//! hold someone else's state (see the user-thread loop in `task`).
//! XSAVE(OPT)/XRSTOR when the CPU has XSAVE, FXSAVE/FXRSTOR otherwise
//! (`-cpu qemu64`).

extern crate alloc;

use alloc::boxed::Box;
use core::arch::asm;

use x86_64::registers::control::{Cr0, Cr0Flags, Cr4, Cr4Flags};

use crate::cpu;

/// Bytes reserved per thread: x87 + SSE + AVX need 832 with XSAVE.
pub const FPU_AREA_SIZE: usize = 1024;
const MXCSR_DEFAULT: u32 = 0x1f80;
const FCW_DEFAULT: u16 = 0x037f;
/// XCR0 bits weft enables: x87, SSE, and AVX when present.
const XCR0_X87: u64 = 1;
const XCR0_SSE: u64 = 2;
const XCR0_AVX: u64 = 4;

#[repr(C, align(64))]
#[derive(Clone)]
struct FpuArea([u8; FPU_AREA_SIZE]);

/// One thread's saved FPU registers, in FXSAVE/XSAVE layout (the layout
/// Linux puts in a signal frame).
#[derive(Clone)]
pub struct FpuState {
    area: Box<FpuArea>,
}

impl Default for FpuState {
    fn default() -> Self {
        Self::new()
    }
}

impl FpuState {
    /// The state a new process starts with (FCW 0x37f, MXCSR 0x1f80).
    pub fn new() -> Self {
        let mut area = Box::new(FpuArea([0; FPU_AREA_SIZE]));
        area.0[0..2].copy_from_slice(&FCW_DEFAULT.to_le_bytes());
        area.0[24..28].copy_from_slice(&MXCSR_DEFAULT.to_le_bytes());
        area.0[28..32].copy_from_slice(&0xffffu32.to_le_bytes());
        Self { area }
    }

    /// Saves this CPU's FPU registers here.
    pub fn save(&mut self) {
        let ptr = self.area.0.as_mut_ptr();
        // SAFETY: `ptr` is 64-byte aligned and FPU_AREA_SIZE bytes long,
        // enough for the XCR0 features enabled in `init_this_cpu`;
        // CR4.OSFXSR (and OSXSAVE when used) are set on every CPU.
        unsafe {
            if cpu::features().xsaveopt {
                asm!("xsaveopt64 [{}]", in(reg) ptr, in("eax") u32::MAX, in("edx") u32::MAX, options(nostack));
            } else if cpu::features().xsave {
                asm!("xsave64 [{}]", in(reg) ptr, in("eax") u32::MAX, in("edx") u32::MAX, options(nostack));
            } else {
                asm!("fxsave64 [{}]", in(reg) ptr, options(nostack));
            }
        }
    }

    /// Loads this state into the CPU's FPU registers.
    pub fn restore(&self) {
        let ptr = self.area.0.as_ptr();
        // SAFETY: as in `save`; the area holds either a saved image or the
        // initial one built by `new` (valid XSAVE header: all zero), and
        // `set_bytes` keeps reserved MXCSR bits clear.
        unsafe {
            if cpu::features().xsave {
                asm!("xrstor64 [{}]", in(reg) ptr, in("eax") u32::MAX, in("edx") u32::MAX, options(nostack, readonly));
            } else {
                asm!("fxrstor64 [{}]", in(reg) ptr, options(nostack, readonly));
            }
        }
    }

    /// The saved image (for signal frames).
    pub fn as_bytes(&self) -> &[u8] {
        &self.area.0[..self.image_len()]
    }

    /// Bytes of the image as the CPU writes it.
    pub fn image_len(&self) -> usize {
        if cpu::features().xsave { cpu::features().xsave_size as usize } else { 512 }
    }

    /// Replaces the image (from a signal frame on `rt_sigreturn`), keeping
    /// it loadable: MXCSR reserved bits and unknown XSAVE components are
    /// cleared so a forged frame cannot make the restore fault.
    pub fn set_bytes(&mut self, bytes: &[u8]) {
        let n = bytes.len().min(self.image_len());
        self.area.0[..n].copy_from_slice(&bytes[..n]);
        let mxcsr = u32::from_le_bytes(self.area.0[24..28].try_into().unwrap()) & 0xffff;
        self.area.0[24..28].copy_from_slice(&mxcsr.to_le_bytes());
        if cpu::features().xsave {
            let allowed = xcr0_bits();
            let bv = u64::from_le_bytes(self.area.0[512..520].try_into().unwrap()) & allowed;
            self.area.0[512..520].copy_from_slice(&bv.to_le_bytes());
            // XCOMP_BV and the reserved header bytes must be zero.
            self.area.0[520..576].fill(0);
        }
    }
}

fn xcr0_bits() -> u64 {
    XCR0_X87 | XCR0_SSE | if cpu::features().avx { XCR0_AVX } else { 0 }
}

/// Enables FPU/SSE (and XSAVE/AVX when present) for user mode on this CPU.
pub(crate) fn init_this_cpu() {
    // SAFETY: standard FPU enablement; the kernel itself never executes
    // FPU/SSE instructions, so changing these bits cannot break it.
    unsafe {
        Cr0::update(|f| {
            f.remove(Cr0Flags::EMULATE_COPROCESSOR | Cr0Flags::TASK_SWITCHED);
            f.insert(Cr0Flags::MONITOR_COPROCESSOR | Cr0Flags::NUMERIC_ERROR);
        });
        Cr4::update(|f| {
            f.insert(Cr4Flags::OSFXSR | Cr4Flags::OSXMMEXCPT_ENABLE);
            if cpu::features().xsave {
                f.insert(Cr4Flags::OSXSAVE);
            }
        });
        if cpu::features().xsave {
            let xcr0 = xcr0_bits();
            asm!("xsetbv", in("ecx") 0, in("eax") xcr0 as u32, in("edx") (xcr0 >> 32) as u32, options(nomem, nostack));
            let size = core::arch::x86_64::__cpuid_count(0xd, 0).ebx;
            cpu::set_xsave_size(size.min(FPU_AREA_SIZE as u32));
        }
        // Start every CPU from a clean FPU state.
        asm!("fninit", options(nomem, nostack));
    }
}
