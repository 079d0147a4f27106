//! A minimal sysfs: `/sys/devices/system/cpu/{online,possible,present}`,
//! which libcs and tools read to count CPUs, and one `cpuN` directory per
//! CPU, which tools such as stress-ng count instead.

use alloc::sync::Arc;
use alloc::vec::Vec;

use fs::FileType;

use fs::Inode;

use crate::fmt::cpu_list;
use crate::node::{self, Ctx, Ino, Maker};
use crate::system;

const ROOT: &[(&str, Maker)] = &[("devices", |c, p| node::fixed_dir(c, 2, Some(p.clone()), DEVICES))];
const DEVICES: &[(&str, Maker)] = &[("system", |c, p| node::fixed_dir(c, 3, Some(p.clone()), SYSTEM))];
const SYSTEM: &[(&str, Maker)] = &[("cpu", |c, p| cpu_dir(c, p))];
const CPU: &[(&str, Maker)] = &[
    ("online", |c, _| cpus(c, 5)),
    ("possible", |c, _| cpus(c, 6)),
    ("present", |c, _| cpus(c, 7)),
    ("kernel_max", |c, _| node::file(c, 8, 0o444, || Ok(b"63\n".to_vec()))),
];

/// Inode numbers of the per-CPU nodes: above the fixed ones, two per CPU.
const CPU_NODE_INO_BASE: u64 = 0x100;

/// `/sys/devices/system/cpu`: the fixed files and `cpu0`..`cpuN-1`.
fn cpu_dir(ctx: Ctx, parent: &Arc<dyn Inode>) -> Arc<dyn Inode> {
    node::dir(
        node::meta(ctx, 4, FileType::Directory, 0o755, 0, 0),
        Some(parent.clone()),
        move |this| {
            let mut entries: Vec<_> = CPU.iter().map(|(name, make)| (name.as_bytes().to_vec(), make(ctx, this))).collect();
            for cpu in 0..system::cpu_count() {
                entries.push((alloc::format!("cpu{cpu}").into_bytes(), one_cpu_dir(ctx, this, cpu)));
            }
            entries
        },
        move |this, name| {
            if let Some((_, make)) = CPU.iter().find(|(n, _)| n.as_bytes() == name) {
                return Some(make(ctx, this));
            }
            let cpu = parse_cpu_name(name)?;
            (cpu < system::cpu_count()).then(|| one_cpu_dir(ctx, this, cpu))
        },
    )
}

/// "cpu12" -> 12; no sign, no leading zeros (Linux's names).
fn parse_cpu_name(name: &[u8]) -> Option<usize> {
    let digits = name.strip_prefix(b"cpu")?;
    if digits.is_empty() || digits.len() > 4 || (digits[0] == b'0' && digits.len() > 1) || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    core::str::from_utf8(digits).ok()?.parse().ok()
}

/// `cpuN/`: an `online` file ("1") for every CPU but cpu0, which x86 Linux
/// cannot take offline and so shows no such file.
fn one_cpu_dir(ctx: Ctx, parent: &Arc<dyn Inode>, cpu: usize) -> Arc<dyn Inode> {
    let ino = CPU_NODE_INO_BASE + 2 * cpu as u64;
    node::dir(
        node::meta(ctx, ino, FileType::Directory, 0o755, 0, 0),
        Some(parent.clone()),
        move |_| {
            let mut entries = Vec::new();
            if cpu != 0 {
                entries.push((b"online".to_vec(), online_file(ctx, ino + 1)));
            }
            entries
        },
        move |_, name| (cpu != 0 && name == b"online").then(|| online_file(ctx, ino + 1)),
    )
}

fn online_file(ctx: Ctx, ino: u64) -> Arc<dyn Inode> {
    node::file(ctx, ino, 0o644, || Ok(b"1\n".to_vec()))
}

/// "0-N" for the CPUs the runtime schedules on (all are online, possible
/// and present: weft has no CPU hotplug).
fn cpus(ctx: Ctx, ino: u64) -> Arc<dyn Inode> {
    node::file(ctx, ino, 0o444, || {
        let n = system::cpu_count();
        let mask = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        Ok(alloc::format!("{}\n", cpu_list(mask, n)).into_bytes())
    })
}

/// The root directory of a new sysfs instance.
pub fn root(ctx: Ctx) -> Arc<dyn Inode> {
    node::fixed_dir(ctx, Ino::ROOT, None, ROOT)
}
