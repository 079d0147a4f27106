//! weft's /proc and a minimal /sys, made of `fs::synthetic` nodes whose
//! contents are generated at open in Linux's formats (tools parse them:
//! busybox ps/top/free, libc's pthread_setname_np, test suites).
//!
//! | module     | what                                                    |
//! |------------|---------------------------------------------------------|
//! | `node`     | generated files/links/dirs with stable inode numbers    |
//! | `snapshot` | copies of processes, threads, kernel tasks              |
//! | `root`     | /proc itself, `self`, `thread-self`                     |
//! | `pid`      | /proc/<pid> and /proc/<pid>/task/<tid>                  |
//! | `stat`, `status`, `limits`, `fd` | per-process files              |
//! | `global`, `cpuinfo`, `loadavg`, `sysctl` | system-wide files      |
//! | `sysfs`    | /sys/devices/system/cpu                                 |
//! | `system`   | what the kernel tells procfs at boot                    |
//!
//! The kernel installs [`new_fs`] as mount(2)'s factory for "proc" and
//! "sysfs" and calls [`set_system`] and [`start`] at boot.
//!
//! # Locks
//! procfs has one lock of its own (the load averages, a leaf). It takes
//! the process table only to copy fields out, and calls address spaces
//! (maps, statistics) with no spin lock held, as mm requires.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod cpuinfo;
mod fd;
pub mod fmt;
mod global;
mod limits;
pub mod loadavg;
pub mod net;
mod node;
mod pid;
mod root;
pub mod snapshot;
pub mod stat;
pub mod status;
mod sysctl;
mod sysctl_knobs;
mod sysfs;
mod system;
mod sysvipc;

#[cfg(test)]
mod test;

use alloc::sync::Arc;

pub use system::{System, set_system};

/// Linux's statfs magic numbers.
const PROC_SUPER_MAGIC: u64 = 0x9fa0;
const SYSFS_MAGIC: u64 = 0x6265_6572;

/// A new file system instance of type `kind` ("proc" or "sysfs"), for
/// mount(2); None for other types.
pub fn new_fs(kind: &[u8]) -> Option<Arc<dyn fs::FileSystem>> {
    let dev = fs::hooks::alloc_anon_dev();
    let ctx = node::Ctx { dev };
    let fs: Arc<dyn fs::FileSystem> = match kind {
        b"proc" => fs::synthetic::SimpleFs::new(root::root(ctx), "proc", dev, PROC_SUPER_MAGIC),
        b"sysfs" => fs::synthetic::SimpleFs::new(sysfs::root(ctx), "sysfs", dev, SYSFS_MAGIC),
        _ => return None,
    };
    Some(fs)
}

/// Starts procfs's own kernel task (the load-average sampler). Call once
/// the runtime exists.
pub fn start() {
    loadavg::start();
}
