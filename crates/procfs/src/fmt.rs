//! Number formats Linux's /proc uses in several files.

use alloc::string::String;
use core::fmt::Write;

/// USER_HZ: the unit of times in `stat` files.
pub const USER_HZ: u64 = 100;

/// Nanoseconds to clock ticks (`nsec_to_clock_t`).
pub fn ticks(ns: u64) -> u64 {
    ns / (1_000_000_000 / USER_HZ)
}

/// A `Name:   1234 kB` line of status (`Name:\t%8lu kB`).
pub fn kb_tab(out: &mut String, name: &str, kb: u64) {
    let _ = writeln!(out, "{name}:\t{kb:>8} kB");
}

/// A meminfo line: the name and colon padded to 16 columns, the value
/// right-aligned in 8 (`show_val_kb`).
pub fn kb_meminfo(out: &mut String, name: &str, kb: u64) {
    let label = alloc::format!("{name}:");
    let _ = writeln!(out, "{label:<16}{kb:>8} kB");
}

/// A CPU mask as `%*pb` prints it: hex, in comma-separated groups of 32
/// bits, for `ncpus` CPUs.
pub fn cpumask_hex(mask: u64, ncpus: usize) -> String {
    let ncpus = ncpus.clamp(1, 64);
    let mask = if ncpus == 64 { mask } else { mask & ((1u64 << ncpus) - 1) };
    let digits = ncpus.div_ceil(4);
    let mut hex = alloc::format!("{mask:0digits$x}");
    // Groups of 8 digits from the right.
    let mut out = String::new();
    while hex.len() > 8 {
        let low = hex.split_off(hex.len() - 8);
        out.insert_str(0, &alloc::format!(",{low}"));
    }
    out.insert_str(0, &hex);
    out
}

/// A CPU mask as `%*pbl` prints it: ranges, `0-1,3`.
pub fn cpu_list(mask: u64, ncpus: usize) -> String {
    let mut out = String::new();
    let mut cpu = 0;
    while cpu < ncpus.min(64) {
        if mask & (1 << cpu) == 0 {
            cpu += 1;
            continue;
        }
        let start = cpu;
        while cpu + 1 < ncpus.min(64) && mask & (1 << (cpu + 1)) != 0 {
            cpu += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == cpu {
            let _ = write!(out, "{start}");
        } else {
            let _ = write!(out, "{start}-{cpu}");
        }
        cpu += 1;
    }
    out
}

/// Bytes as text, escaping what `status` escapes in a name (`\n`, `\\`).
pub fn escaped_name(name: &[u8]) -> String {
    let mut out = String::new();
    for &b in name {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\\' => out.push_str("\\\\"),
            _ => out.push(b as char),
        }
    }
    out
}

/// Load average fixed point (FSHIFT = 11) as `%lu.%02lu`.
pub fn load(x: u64) -> String {
    const FIXED_1: u64 = 1 << 11;
    let frac = ((x & (FIXED_1 - 1)) * 100) >> 11;
    alloc::format!("{}.{:02}", x >> 11, frac)
}

/// Seconds with two decimals from nanoseconds (`/proc/uptime`).
pub fn secs_2(ns: u64) -> String {
    alloc::format!("{}.{:02}", ns / 1_000_000_000, (ns / 10_000_000) % 100)
}
