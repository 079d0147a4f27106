//! Local APIC (xAPIC, memory-mapped) and I/O APIC.
//!
//! Every CPU's local APIC gives it a one-shot timer (programmed through
//! the `clockevent` crate's rules) and receives inter-processor interrupts; the I/O APIC routes ISA interrupts (the
//! serial port) to the boot CPU. The legacy 8259 PICs are masked.

use core::sync::atomic::{AtomicU64, Ordering};

use clockevent::{OneShot, Programmed, Reg, Registers};

use x86_64::instructions::port::Port;

use crate::{cpu, phys_to_virt, time, trap};

const LAPIC_DEFAULT_PHYS: u64 = 0xfee0_0000;
const REG_ID: usize = 0x20;
const REG_EOI: usize = 0xb0;
const REG_SPURIOUS: usize = 0xf0;
const REG_ICR_LOW: usize = 0x300;
const REG_ICR_HIGH: usize = 0x310;
const REG_LVT_TIMER: usize = 0x320;
const REG_LVT_LINT0: usize = 0x350;
const REG_LVT_LINT1: usize = 0x360;
const REG_TIMER_INITIAL: usize = 0x380;
const REG_TIMER_CURRENT: usize = 0x390;
const REG_TIMER_DIVIDE: usize = 0x3e0;

const LVT_MASKED: u32 = 1 << 16;
const ICR_DELIVERY_PENDING: u32 = 1 << 12;
const ICR_LEVEL_ASSERT: u32 = 1 << 14;
const ICR_DELIVERY_NMI: u32 = 0b100 << 8;

static LAPIC_PHYS: AtomicU64 = AtomicU64::new(LAPIC_DEFAULT_PHYS);
/// The calibrated one-shot timer (the same rate on every CPU).
static TIMER: spin::Once<OneShot> = spin::Once::new();

fn lapic_read(reg: usize) -> u32 {
    let addr = phys_to_virt(LAPIC_PHYS.load(Ordering::Relaxed)) + reg;
    // SAFETY: the LAPIC page is mapped (direct map covers the first 4 GiB,
    // MMIO holes included) and `reg` is a documented register offset.
    unsafe { core::ptr::read_volatile(addr as *const u32) }
}

fn lapic_write(reg: usize, value: u32) {
    let addr = phys_to_virt(LAPIC_PHYS.load(Ordering::Relaxed)) + reg;
    // SAFETY: as in `lapic_read`.
    unsafe { core::ptr::write_volatile(addr as *mut u32, value) }
}

/// The local APIC id of the calling CPU.
pub fn local_apic_id() -> u32 {
    lapic_read(REG_ID) >> 24
}

/// Masks the 8259 PICs (boot CPU, once): all interrupts come via the APICs.
pub(crate) fn disable_legacy_pic() {
    // SAFETY: writing the interrupt mask registers of both PICs.
    unsafe {
        Port::<u8>::new(0x21).write(0xff);
        Port::<u8>::new(0xa1).write(0xff);
    }
}

/// Enables this CPU's local APIC.
pub(crate) fn enable_local_apic() {
    let base = cpu::rdmsr(0x1b);
    LAPIC_PHYS.store(base & 0xf_ffff_f000, Ordering::Relaxed);
    // SAFETY: sets the global-enable bit of IA32_APIC_BASE, keeping the base.
    unsafe { cpu::wrmsr(0x1b, base | (1 << 11)) };
    lapic_write(REG_SPURIOUS, 0x100 | trap::VEC_SPURIOUS as u32);
    lapic_write(REG_LVT_LINT0, LVT_MASKED);
    lapic_write(REG_LVT_LINT1, LVT_MASKED);
}

/// Signals the end of the current interrupt.
#[inline]
pub fn end_of_interrupt() {
    lapic_write(REG_EOI, 0);
}

/// Measures the LAPIC timer rate against the calibrated TSC (boot CPU).
pub(crate) fn calibrate_timer() {
    lapic_write(REG_TIMER_DIVIDE, clockevent::DIVIDE_BY_16);
    lapic_write(REG_LVT_TIMER, LVT_MASKED | trap::VEC_TIMER as u32);
    lapic_write(REG_TIMER_INITIAL, u32::MAX);
    let start = time::now_ns();
    while time::now_ns() - start < 20_000_000 {
        cpu::pause();
    }
    let elapsed_counts = u32::MAX - lapic_read(REG_TIMER_CURRENT);
    let elapsed_ns = time::now_ns() - start;
    lapic_write(REG_TIMER_INITIAL, 0);
    TIMER.call_once(|| OneShot::from_calibration(trap::VEC_TIMER as u8, elapsed_counts as u64, elapsed_ns));
}

/// The LAPIC timer registers of the calling CPU.
struct TimerRegisters;

impl Registers for TimerRegisters {
    fn write(&mut self, reg: Reg, value: u32) {
        let offset = match reg {
            Reg::LvtTimer => REG_LVT_TIMER,
            Reg::InitialCount => REG_TIMER_INITIAL,
            Reg::DivideConfig => REG_TIMER_DIVIDE,
        };
        lapic_write(offset, value);
    }
}

fn timer() -> &'static OneShot {
    TIMER.get().expect("LAPIC timer used before calibration")
}

/// Puts this CPU's LAPIC timer in one-shot mode, stopped (every CPU, once).
pub(crate) fn init_timer() {
    timer().init(&mut TimerRegisters);
}

/// Makes this CPU's timer interrupt fire `delay_ns` from now (at least
/// `clockevent::MIN_DELTA_NS`), replacing what was armed. Returns false,
/// arming nothing, when `delay_ns` is 0: the caller runs what is due.
/// Call with interrupts off (the arming and the caller's record of it must
/// not be split by the timer interrupt).
pub fn set_timer(delay_ns: u64) -> bool {
    timer().program(&mut TimerRegisters, delay_ns) != Programmed::Due
}

/// Stops this CPU's timer interrupt.
pub fn stop_timer() {
    timer().stop(&mut TimerRegisters);
}

fn send_icr(apic_id: u32, low: u32) {
    lapic_write(REG_ICR_HIGH, apic_id << 24);
    lapic_write(REG_ICR_LOW, low);
    while lapic_read(REG_ICR_LOW) & ICR_DELIVERY_PENDING != 0 {
        cpu::pause();
    }
}

/// Sends a fixed interrupt `vector` to the CPU with `apic_id`.
pub fn send_ipi(apic_id: u32, vector: u64) {
    let _irq = crate::irq::IrqSave::new();
    send_icr(apic_id, ICR_LEVEL_ASSERT | vector as u32);
}

/// Sends a non-maskable interrupt to the CPU with `apic_id`: it arrives
/// even with interrupts off (the watchdog uses it to see a stuck CPU).
pub fn send_nmi(apic_id: u32) {
    let _irq = crate::irq::IrqSave::new();
    send_icr(apic_id, ICR_LEVEL_ASSERT | ICR_DELIVERY_NMI);
}

/// Sends `vector` to every CPU but this one.
pub fn send_ipi_all_others(vector: u64) {
    let _irq = crate::irq::IrqSave::new();
    // Destination shorthand 0b11: all excluding self.
    send_icr(0, (0b11 << 18) | ICR_LEVEL_ASSERT | vector as u32);
}

pub(crate) fn send_init(apic_id: u32) {
    send_icr(apic_id, 0x0000_4500);
}

pub(crate) fn send_startup(apic_id: u32, page: u8) {
    send_icr(apic_id, 0x0000_4600 | page as u32);
}

/// I/O APIC registers, reached through its index/data window.
struct IoApic {
    base_phys: u64,
}

impl IoApic {
    fn write(&self, reg: u32, value: u32) {
        let base = phys_to_virt(self.base_phys);
        // SAFETY: IOREGSEL at +0 and IOWIN at +0x10 of the mapped I/O APIC.
        unsafe {
            core::ptr::write_volatile(base as *mut u32, reg);
            core::ptr::write_volatile((base + 0x10) as *mut u32, value);
        }
    }
}

/// Routes ISA `irq` (after the MADT's source overrides: `gsi`) to
/// `VEC_ISA_BASE + irq` on the CPU with `apic_id`.
pub fn route_isa_irq(ioapic_phys: u64, irq: u8, gsi: u32, apic_id: u32, active_low: bool, level: bool) {
    let ioapic = IoApic { base_phys: ioapic_phys };
    let mut low = trap::VEC_ISA_BASE as u32 + irq as u32;
    if active_low {
        low |= 1 << 13;
    }
    if level {
        low |= 1 << 15;
    }
    ioapic.write(0x10 + 2 * gsi, low);
    ioapic.write(0x10 + 2 * gsi + 1, apic_id << 24);
}
