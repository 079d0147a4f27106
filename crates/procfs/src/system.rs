//! What only the kernel knows, handed over once at boot: the command
//! line, the release strings, the wall clock at boot, the host name.
//! Until [`set_system`] runs, files show empty or zero values.

use alloc::vec::Vec;

use abi::{Errno, KResult};
use ksync::Once;

/// The kernel's facts and the few knobs procfs can turn.
pub struct System {
    /// The kernel command line (/proc/cmdline).
    pub cmdline: &'static str,
    /// `uname -r` and `uname -v`.
    pub release: &'static str,
    pub version: &'static str,
    /// Wall-clock time at boot, in ns since the epoch (`btime`).
    pub boot_unix_ns: fn() -> u64,
    /// The CPU clock in Hz (`cpu MHz` of cpuinfo).
    pub cpu_hz: fn() -> u64,
    /// The host name (/proc/sys/kernel/hostname) and its setter.
    pub hostname: fn() -> Vec<u8>,
    pub set_hostname: fn(&[u8]) -> KResult<()>,
}

static SYSTEM: Once<System> = Once::new();

/// Installs the kernel's facts (once, at boot).
pub fn set_system(system: System) {
    SYSTEM.call_once(|| system);
}

pub(crate) fn get() -> Option<&'static System> {
    SYSTEM.get()
}

pub(crate) fn cmdline() -> &'static str {
    get().map_or("", |s| s.cmdline)
}

pub(crate) fn release() -> &'static str {
    get().map_or("", |s| s.release)
}

pub(crate) fn version() -> &'static str {
    get().map_or("", |s| s.version)
}

pub(crate) fn boot_unix_secs() -> u64 {
    get().map_or(0, |s| (s.boot_unix_ns)() / 1_000_000_000)
}

pub(crate) fn cpu_hz() -> u64 {
    get().map_or(0, |s| (s.cpu_hz)())
}

pub(crate) fn hostname() -> Vec<u8> {
    get().map_or_else(Vec::new, |s| (s.hostname)())
}

pub(crate) fn set_hostname(name: &[u8]) -> KResult<()> {
    get().ok_or(Errno::EPERM).and_then(|s| (s.set_hostname)(name))
}

/// Monotonic nanoseconds since boot (0 before the runtime exists).
pub(crate) fn now_ns() -> u64 {
    if runtime::is_initialized() { runtime::now_ns() } else { 0 }
}

/// Number of CPUs the runtime schedules on.
pub(crate) fn cpu_count() -> usize {
    if runtime::is_initialized() { runtime::global().cpu_count() } else { 1 }
}
