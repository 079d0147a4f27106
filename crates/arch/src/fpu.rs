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

/// The most bytes a thread's area may need: x87 + SSE + AVX take 832 with
/// XSAVE. Each area is only as long as this CPU's image (512 bytes with
/// FXSAVE), as every blocked thread keeps one (issue 15).
pub const FPU_AREA_SIZE: usize = 1024;
/// An XSAVE image's legacy area and header.
const XSAVE_MIN: usize = 576;
const MXCSR_DEFAULT: u32 = 0x1f80;
const FCW_DEFAULT: u16 = 0x037f;
/// XCR0 bits weft enables: x87, SSE, and AVX when present.
const XCR0_X87: u64 = 1;
const XCR0_SSE: u64 = 2;
const XCR0_AVX: u64 = 4;

/// 64 bytes of an area: XSAVE needs 64-byte alignment.
#[repr(C, align(64))]
#[derive(Clone)]
struct FpuChunk([u8; 64]);

/// One thread's saved FPU registers, in FXSAVE/XSAVE layout (the layout
/// Linux puts in a signal frame).
#[derive(Clone)]
pub struct FpuState {
    area: Box<[FpuChunk]>,
}

/// Bytes of the image the CPU writes.
fn image_len() -> usize {
    if cpu::features().xsave { cpu::features().xsave_size as usize } else { 512 }
}

/// Bytes of an area for that image: whole chunks, and an XSAVE image's
/// header at least.
fn area_len() -> usize {
    let len = if cpu::features().xsave { image_len().max(XSAVE_MIN) } else { 512 };
    len.next_multiple_of(64)
}

impl Default for FpuState {
    fn default() -> Self {
        Self::new()
    }
}

impl FpuState {
    /// The state a new process starts with (FCW 0x37f, MXCSR 0x1f80).
    pub fn new() -> Self {
        let mut state = Self { area: alloc::vec![FpuChunk([0; 64]); area_len() / 64].into_boxed_slice() };
        let bytes = state.bytes_mut();
        bytes[0..2].copy_from_slice(&FCW_DEFAULT.to_le_bytes());
        bytes[24..28].copy_from_slice(&MXCSR_DEFAULT.to_le_bytes());
        bytes[28..32].copy_from_slice(&0xffffu32.to_le_bytes());
        state
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `FpuChunk` is `repr(C)` around `[u8; 64]` with size 64 (no
        // padding), so the chunks are `len * 64` contiguous initialised
        // bytes, borrowed as long as `self`.
        unsafe { core::slice::from_raw_parts(self.area.as_ptr().cast::<u8>(), self.area.len() * 64) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, borrowed mutably as long as `self`.
        unsafe { core::slice::from_raw_parts_mut(self.area.as_mut_ptr().cast::<u8>(), self.area.len() * 64) }
    }

    /// The area, checked to hold this CPU's image: `save` and `restore`
    /// read and write that many bytes.
    fn checked_ptr(&self) -> *const u8 {
        assert!(self.area.len() * 64 >= area_len(), "FPU area made before the CPU's XSAVE size was known");
        self.area.as_ptr().cast::<u8>()
    }

    /// Saves this CPU's FPU registers here.
    pub fn save(&mut self) {
        let ptr = self.checked_ptr().cast_mut();
        // SAFETY: `ptr` is 64-byte aligned and at least `area_len()` bytes
        // long (checked), enough for the XCR0 features enabled in
        // `init_this_cpu`; CR4.OSFXSR (and OSXSAVE when used) are set on
        // every CPU; `&mut self` makes the write exclusive.
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
        let ptr = self.checked_ptr();
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
        &self.bytes()[..self.image_len()]
    }

    /// Bytes of the image as the CPU writes it.
    pub fn image_len(&self) -> usize {
        image_len()
    }

    /// Replaces the image (from a signal frame on `rt_sigreturn`), keeping
    /// it loadable: MXCSR reserved bits and unknown XSAVE components are
    /// cleared so a forged frame cannot make the restore fault.
    pub fn set_bytes(&mut self, bytes: &[u8]) {
        let n = bytes.len().min(self.image_len());
        let area = self.bytes_mut();
        area[..n].copy_from_slice(&bytes[..n]);
        let mxcsr = u32::from_le_bytes(area[24..28].try_into().unwrap()) & 0xffff;
        area[24..28].copy_from_slice(&mxcsr.to_le_bytes());
        if cpu::features().xsave {
            let allowed = xcr0_bits();
            let bv = u64::from_le_bytes(area[512..520].try_into().unwrap()) & allowed;
            area[512..520].copy_from_slice(&bv.to_le_bytes());
            // XCOMP_BV and the reserved header bytes must be zero.
            area[520..576].fill(0);
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
