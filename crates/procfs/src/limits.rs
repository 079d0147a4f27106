//! `/proc/<pid>/limits` (fs/proc/base.c `proc_pid_limits`).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use task::rlimit::{RLIM_INFINITY, Rlimits};

/// Row names and units, in resource-number order.
const NAMES: [(&str, &str); 16] = [
    ("Max cpu time", "seconds"),
    ("Max file size", "bytes"),
    ("Max data size", "bytes"),
    ("Max stack size", "bytes"),
    ("Max core file size", "bytes"),
    ("Max resident set", "bytes"),
    ("Max processes", "processes"),
    ("Max open files", "files"),
    ("Max locked memory", "bytes"),
    ("Max address space", "bytes"),
    ("Max file locks", "locks"),
    ("Max pending signals", "signals"),
    ("Max msgqueue size", "bytes"),
    ("Max nice priority", ""),
    ("Max realtime priority", ""),
    ("Max realtime timeout", "us"),
];

pub fn limits_text(l: &Rlimits) -> Vec<u8> {
    let mut s = String::new();
    let _ = writeln!(s, "{:<25} {:<20} {:<20} {:<10}", "Limit", "Soft Limit", "Hard Limit", "Units");
    let value = |v: u64| if v == RLIM_INFINITY { String::from("unlimited") } else { alloc::format!("{v}") };
    for (i, (name, unit)) in NAMES.iter().enumerate() {
        let Ok(r) = l.get(i as u32) else { continue };
        let _ = write!(s, "{name:<25} {:<20} {:<20} ", value(r.cur), value(r.max));
        if unit.is_empty() {
            s.push('\n');
        } else {
            let _ = writeln!(s, "{unit:<10}");
        }
    }
    s.into_bytes()
}
