//! Ending the machine: QEMU's isa-debug-exit device, reset, and the ACPI
//! power-off register (programmed by the kernel from the FADT/DSDT).

use core::sync::atomic::{AtomicU32, Ordering};

use x86_64::instructions::port::Port;

use crate::cpu;

/// QEMU's isa-debug-exit port (`-device isa-debug-exit,iobase=0xf4`).
const DEBUG_EXIT_PORT: u16 = 0xf4;

/// Exits QEMU through isa-debug-exit with status `(code << 1) | 1`. Returns
/// only when the device is absent.
pub fn debug_exit(code: u8) {
    // SAFETY: writing to an unused port is harmless when the device is absent.
    unsafe { Port::<u32>::new(DEBUG_EXIT_PORT).write(code as u32) };
}

/// ACPI PM1a control port and the S5 sleep-type value (0 = unknown).
static PM1A_CNT: AtomicU32 = AtomicU32::new(0);
static SLP_TYP_S5: AtomicU32 = AtomicU32::new(u32::MAX);

/// Records how to enter S5 (found in the FADT and the DSDT's `\_S5`).
pub fn set_acpi_poweroff(pm1a_cnt_port: u16, slp_typ: u16) {
    PM1A_CNT.store(pm1a_cnt_port as u32, Ordering::Relaxed);
    SLP_TYP_S5.store(slp_typ as u32, Ordering::Relaxed);
}

/// Powers the machine off through ACPI; returns only if that is unknown or
/// did not work.
pub fn acpi_poweroff() {
    let port = PM1A_CNT.load(Ordering::Relaxed);
    let typ = SLP_TYP_S5.load(Ordering::Relaxed);
    if port == 0 || typ == u32::MAX {
        return;
    }
    // SAFETY: writes SLP_TYP | SLP_EN to the PM1a control register the
    // firmware described; this is the documented way to enter S5.
    unsafe { Port::<u16>::new(port as u16).write(((typ as u16) << 10) | (1 << 13)) };
    crate::time::spin_delay_ns(100_000_000);
}

/// Resets the machine (PCI reset register, then the keyboard controller).
pub fn reset() -> ! {
    // SAFETY: 0xcf9 is the reset control register on PIIX/ICH chipsets;
    // 0x64 command 0xfe pulses the CPU reset line.
    unsafe {
        Port::<u8>::new(0xcf9).write(0x06);
        Port::<u8>::new(0x64).write(0xfe);
    }
    cpu::halt_forever();
}
