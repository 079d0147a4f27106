//! A minimal sysfs: `/sys/devices/system/cpu/{online,possible,present}`,
//! which libcs and tools read to count CPUs.

use alloc::sync::Arc;

use fs::Inode;

use crate::fmt::cpu_list;
use crate::node::{self, Ctx, Ino, Maker};
use crate::system;

const ROOT: &[(&str, Maker)] = &[("devices", |c, p| node::fixed_dir(c, 2, Some(p.clone()), DEVICES))];
const DEVICES: &[(&str, Maker)] = &[("system", |c, p| node::fixed_dir(c, 3, Some(p.clone()), SYSTEM))];
const SYSTEM: &[(&str, Maker)] = &[("cpu", |c, p| node::fixed_dir(c, 4, Some(p.clone()), CPU))];
const CPU: &[(&str, Maker)] = &[
    ("online", |c, _| cpus(c, 5)),
    ("possible", |c, _| cpus(c, 6)),
    ("present", |c, _| cpus(c, 7)),
    ("kernel_max", |c, _| node::file(c, 8, 0o444, || Ok(b"63\n".to_vec()))),
];

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
