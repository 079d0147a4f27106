//! Time: the TSC, calibrated against the PIT, gives a monotonic clock in
//! nanoseconds; the CMOS RTC gives the wall-clock time at boot.

use core::sync::atomic::{AtomicU64, Ordering};

use x86_64::instructions::port::Port;

use crate::cpu;

const PIT_HZ: u64 = 1_193_182;
const CALIBRATION_MS: u64 = 50;

/// TSC value at boot (the zero of `now_ns`).
static TSC_ZERO: AtomicU64 = AtomicU64::new(0);
/// Nanoseconds per TSC tick as a 32.32 fixed-point number.
static NS_PER_TSC_FP32: AtomicU64 = AtomicU64::new(0);
static TSC_HZ: AtomicU64 = AtomicU64::new(0);
/// Unix time (ns) at `now_ns() == 0`.
static BOOT_UNIX_NS: AtomicU64 = AtomicU64::new(0);

/// Calibrates the TSC with PIT channel 2 (boot CPU, interrupts off).
pub(crate) fn calibrate() {
    let count = (PIT_HZ * CALIBRATION_MS / 1000) as u16;
    // SAFETY: PIT channel 2 and the port-0x61 gate are unused by anything
    // else; we program a one-shot count and poll its output bit.
    let (t0, t1) = unsafe {
        let mut gate = Port::<u8>::new(0x61);
        let mut cmd = Port::<u8>::new(0x43);
        let mut ch2 = Port::<u8>::new(0x42);
        let g = gate.read();
        gate.write((g & !0x02) | 0x01); // gate on, speaker off
        cmd.write(0b1011_0000); // channel 2, lo/hi byte, mode 0
        ch2.write(count as u8);
        ch2.write((count >> 8) as u8);
        // Restart the count by toggling the gate.
        let g = gate.read() & !0x01;
        gate.write(g);
        gate.write(g | 0x01);
        let t0 = cpu::rdtsc();
        while gate.read() & 0x20 == 0 {
            cpu::pause();
        }
        (t0, cpu::rdtsc())
    };
    let hz = (t1 - t0) * 1000 / CALIBRATION_MS;
    TSC_HZ.store(hz, Ordering::Relaxed);
    NS_PER_TSC_FP32.store(((1_000_000_000u128 << 32) / hz as u128) as u64, Ordering::Relaxed);
    TSC_ZERO.store(t0, Ordering::Relaxed);
    BOOT_UNIX_NS.store(read_rtc_unix_seconds() * 1_000_000_000, Ordering::Relaxed);
}

/// Nanoseconds since boot; monotonic, consistent across CPUs (QEMU keeps
/// the vCPUs' TSCs in step).
#[inline]
pub fn now_ns() -> u64 {
    let delta = cpu::rdtsc().saturating_sub(TSC_ZERO.load(Ordering::Relaxed));
    ((delta as u128 * NS_PER_TSC_FP32.load(Ordering::Relaxed) as u128) >> 32) as u64
}

/// The measured TSC frequency.
pub fn tsc_hz() -> u64 {
    TSC_HZ.load(Ordering::Relaxed)
}

/// Unix time in nanoseconds at boot (from the RTC).
pub fn boot_unix_ns() -> u64 {
    BOOT_UNIX_NS.load(Ordering::Relaxed)
}

/// Busy-waits for `ns` nanoseconds.
pub fn spin_delay_ns(ns: u64) {
    let start = now_ns();
    while now_ns() - start < ns {
        cpu::pause();
    }
}

fn cmos_read(reg: u8) -> u8 {
    // SAFETY: CMOS index/data ports; NMI-disable bit set while indexing.
    unsafe {
        Port::<u8>::new(0x70).write(0x80 | reg);
        Port::<u8>::new(0x71).read()
    }
}

/// Reads the RTC (UTC, as QEMU presents it) as seconds since the epoch.
fn read_rtc_unix_seconds() -> u64 {
    while cmos_read(0x0a) & 0x80 != 0 {
        cpu::pause();
    }
    let status_b = cmos_read(0x0b);
    let bcd = status_b & 0x04 == 0;
    let conv = |v: u8| if bcd { (v & 0x0f) + (v >> 4) * 10 } else { v } as u64;
    let sec = conv(cmos_read(0x00));
    let min = conv(cmos_read(0x02));
    let hour = conv(cmos_read(0x04) & 0x7f);
    let day = conv(cmos_read(0x07));
    let month = conv(cmos_read(0x08));
    let year = 2000 + conv(cmos_read(0x09));
    days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146097 + doe - 719468) as u64
}
