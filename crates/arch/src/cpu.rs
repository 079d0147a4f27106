//! CPU identification, feature flags and the small instructions every
//! other module needs (halt, pause, interrupt flag, TSC, MSRs).

use core::arch::asm;
use core::arch::x86_64::{__cpuid, __cpuid_count, _rdtsc};
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Features weft adapts to. Read once on the boot CPU; all CPUs of a QEMU
/// machine are identical.
#[derive(Clone, Copy, Debug, Default)]
pub struct Features {
    pub nx: bool,
    pub xsave: bool,
    pub xsaveopt: bool,
    pub avx: bool,
    pub fsgsbase: bool,
    pub pdpe1gb: bool,
    pub invariant_tsc: bool,
    /// Bytes of the XSAVE area for the features weft enables in XCR0.
    pub xsave_size: u32,
}

static NX: AtomicBool = AtomicBool::new(false);
static XSAVE: AtomicBool = AtomicBool::new(false);
static XSAVEOPT: AtomicBool = AtomicBool::new(false);
static AVX: AtomicBool = AtomicBool::new(false);
static FSGSBASE: AtomicBool = AtomicBool::new(false);
static PDPE1GB: AtomicBool = AtomicBool::new(false);
static INVARIANT_TSC: AtomicBool = AtomicBool::new(false);
static XSAVE_SIZE: AtomicU32 = AtomicU32::new(512);

/// Reads CPUID on the boot CPU and records what is there.
pub(crate) fn init_boot_cpu_features() {
    // CPUID is always available in long mode.
    let leaf1 = __cpuid(1);
    let ext1 = __cpuid(0x8000_0001);
    let leaf7 = __cpuid_count(7, 0);
    let max_ext = __cpuid(0x8000_0000).eax;
    NX.store(ext1.edx & (1 << 20) != 0, Ordering::Relaxed);
    PDPE1GB.store(ext1.edx & (1 << 26) != 0, Ordering::Relaxed);
    let xsave = leaf1.ecx & (1 << 26) != 0;
    XSAVE.store(xsave, Ordering::Relaxed);
    AVX.store(xsave && leaf1.ecx & (1 << 28) != 0, Ordering::Relaxed);
    FSGSBASE.store(leaf7.ebx & 1 != 0, Ordering::Relaxed);
    if xsave {
        XSAVEOPT.store(__cpuid_count(0xd, 1).eax & 1 != 0, Ordering::Relaxed);
    }
    if max_ext >= 0x8000_0007 {
        INVARIANT_TSC.store(__cpuid(0x8000_0007).edx & (1 << 8) != 0, Ordering::Relaxed);
    }
}

pub(crate) fn set_xsave_size(bytes: u32) {
    XSAVE_SIZE.store(bytes, Ordering::Relaxed);
}

/// The features of this machine.
pub fn features() -> Features {
    Features {
        nx: NX.load(Ordering::Relaxed),
        xsave: XSAVE.load(Ordering::Relaxed),
        xsaveopt: XSAVEOPT.load(Ordering::Relaxed),
        avx: AVX.load(Ordering::Relaxed),
        fsgsbase: FSGSBASE.load(Ordering::Relaxed),
        pdpe1gb: PDPE1GB.load(Ordering::Relaxed),
        invariant_tsc: INVARIANT_TSC.load(Ordering::Relaxed),
        xsave_size: XSAVE_SIZE.load(Ordering::Relaxed),
    }
}

/// Whether page-table entries may carry the no-execute bit.
#[inline]
pub fn has_nx() -> bool {
    NX.load(Ordering::Relaxed)
}

/// The CPU's brand string, e.g. "QEMU Virtual CPU version 2.5+".
pub fn brand_string(buf: &mut [u8; 48]) -> &str {
    for (i, leaf) in (0x8000_0002u32..=0x8000_0004).enumerate() {
        let r = __cpuid(leaf);
        for (j, word) in [r.eax, r.ebx, r.ecx, r.edx].iter().enumerate() {
            buf[i * 16 + j * 4..i * 16 + j * 4 + 4].copy_from_slice(&word.to_le_bytes());
        }
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(48);
    core::str::from_utf8(&buf[..end]).unwrap_or("?").trim()
}

/// Time-stamp counter.
#[inline]
pub fn rdtsc() -> u64 {
    // SAFETY: RDTSC has no memory effects; CR4.TSD is clear.
    unsafe { _rdtsc() }
}

/// Spin-loop hint.
#[inline]
pub fn pause() {
    core::hint::spin_loop();
}

/// Enables interrupts and halts until one arrives, atomically: an interrupt
/// that becomes pending between the caller's last check and `hlt` still
/// wakes the CPU (STI's one-instruction shadow covers the HLT).
#[inline]
pub fn enable_interrupts_and_halt() {
    // SAFETY: halting with interrupts enabled is always sound in kernel mode.
    unsafe { asm!("sti; hlt", options(nomem, nostack)) };
}

/// Halts with interrupts off, forever (used after a panic).
pub fn halt_forever() -> ! {
    loop {
        // SAFETY: stopping the CPU has no memory effects.
        unsafe { asm!("cli; hlt", options(nomem, nostack)) };
    }
}

/// Reads a model-specific register.
#[inline]
pub fn rdmsr(msr: u32) -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: callers in this crate pass architectural MSRs that exist on
    // every x86_64 CPU weft supports.
    unsafe { asm!("rdmsr", in("ecx") msr, out("eax") lo, out("edx") hi, options(nomem, nostack)) };
    ((hi as u64) << 32) | lo as u64
}

/// Writes a model-specific register.
///
/// # Safety
/// The caller must know what the write does to the machine state
/// (e.g. GS base, EFER, STAR).
#[inline]
pub unsafe fn wrmsr(msr: u32, value: u64) {
    // SAFETY: forwarded to the caller.
    unsafe {
        asm!("wrmsr", in("ecx") msr, in("eax") value as u32, in("edx") (value >> 32) as u32,
             options(nomem, nostack))
    };
}

pub const MSR_EFER: u32 = 0xC000_0080;
pub const MSR_STAR: u32 = 0xC000_0081;
pub const MSR_LSTAR: u32 = 0xC000_0082;
pub const MSR_SFMASK: u32 = 0xC000_0084;
pub const MSR_FS_BASE: u32 = 0xC000_0100;
pub const MSR_GS_BASE: u32 = 0xC000_0101;
pub const MSR_KERNEL_GS_BASE: u32 = 0xC000_0102;
pub const MSR_TSC_AUX: u32 = 0xC000_0103;

/// The value of CR2 (the faulting address of the last page fault).
#[inline]
pub fn read_cr2() -> usize {
    x86_64::registers::control::Cr2::read_raw() as usize
}

/// Whether interrupts are enabled on this CPU.
#[inline]
pub fn interrupts_enabled() -> bool {
    x86_64::instructions::interrupts::are_enabled()
}

/// Enables interrupts.
#[inline]
pub fn enable_interrupts() {
    x86_64::instructions::interrupts::enable();
}

/// Disables interrupts.
#[inline]
pub fn disable_interrupts() {
    x86_64::instructions::interrupts::disable();
}

/// Executes `ud2` (for the test that checks the #UD report).
pub fn invalid_opcode() -> ! {
    // SAFETY: raises #UD, which the trap handler reports; never returns.
    unsafe { asm!("ud2", options(noreturn)) }
}
