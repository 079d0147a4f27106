//! Devices: the registry that gives device nodes (in any ramfs) their file
//! operations by (type, major, minor), the memory devices (`/dev/null`,
//! `zero`, `full`, `random`, `urandom`) and a populated devtmpfs.
//!
//! Locks: the registry lock is a leaf; a device's `open` runs without it.

mod mem;

use alloc::collections::BTreeMap;
use alloc::sync::Arc;

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::file::FileOps;
use crate::flags::OpenFlags;
use crate::inode::{Inode, NewNode};
use crate::ramfs::RamFs;
use crate::types::{DevId, FileType};

pub use mem::MemDevice;

/// Well-known device numbers (Linux `Documentation/admin-guide/devices.txt`).
pub mod numbers {
    use crate::types::DevId;
    /// `/dev/null`.
    pub const NULL: DevId = DevId::new(1, 3);
    /// `/dev/zero`.
    pub const ZERO: DevId = DevId::new(1, 5);
    /// `/dev/full`.
    pub const FULL: DevId = DevId::new(1, 7);
    /// `/dev/random`.
    pub const RANDOM: DevId = DevId::new(1, 8);
    /// `/dev/urandom`.
    pub const URANDOM: DevId = DevId::new(1, 9);
    /// `/dev/tty`: the caller's controlling terminal (weft: the console).
    pub const TTY: DevId = DevId::new(5, 0);
    /// `/dev/console`.
    pub const CONSOLE: DevId = DevId::new(5, 1);
    /// `/dev/ttyS0`: the first serial port.
    pub const TTYS0: DevId = DevId::new(4, 64);
}

/// A driver: makes the file operations for each open of its node.
pub trait Device: Send + Sync {
    /// Opens the device (ENXIO, ENODEV, EACCES... as the device decides).
    fn open(&self, flags: OpenFlags) -> KResult<Arc<dyn FileOps>>;
}

/// A device whose opens all share one operations object (memory devices,
/// the console tty).
pub struct SharedOps(pub Arc<dyn FileOps>);

impl Device for SharedOps {
    fn open(&self, _flags: OpenFlags) -> KResult<Arc<dyn FileOps>> {
        Ok(self.0.clone())
    }
}

/// (is block device, number) -> driver. Lock order: leaf.
static REGISTRY: SpinLock<BTreeMap<(bool, DevId), Arc<dyn Device>>> =
    SpinLock::new(BTreeMap::new());

/// Registers (or replaces) the driver of character device `id`.
pub fn register_char_device(id: DevId, dev: Arc<dyn Device>) {
    REGISTRY.lock().insert((false, id), dev);
}

/// Registers (or replaces) the driver of block device `id`.
pub fn register_block_device(id: DevId, dev: Arc<dyn Device>) {
    REGISTRY.lock().insert((true, id), dev);
}

/// Registers `/dev/null`, `zero`, `full`, `random` and `urandom`.
pub fn register_mem_devices() {
    for (id, kind) in [
        (numbers::NULL, MemDevice::Null),
        (numbers::ZERO, MemDevice::Zero),
        (numbers::FULL, MemDevice::Full),
        (numbers::RANDOM, MemDevice::Random),
        (numbers::URANDOM, MemDevice::Random),
    ] {
        register_char_device(id, Arc::new(SharedOps(Arc::new(kind))));
    }
}

/// The file operations for opening a device node of type `ty` and number
/// `rdev` (ENXIO if no driver is registered, as Linux's `chrdev_open`).
pub fn open_device(ty: FileType, rdev: DevId, flags: OpenFlags) -> KResult<Arc<dyn FileOps>> {
    let block = ty == FileType::BlockDevice;
    let dev = REGISTRY
        .lock()
        .get(&(block, rdev))
        .cloned()
        .ok_or(Errno::ENXIO)?;
    dev.open(flags)
}

/// Creates the standard nodes in the directory `dir` (a ramfs): null, zero,
/// full, random, urandom, tty, console, ttyS0, the `pts` and `shm`
/// directories and the `fd`, `stdin`, `stdout`, `stderr` links into
/// /proc/self/fd. Existing names are left alone.
pub fn populate_dev(dir: &Arc<dyn Inode>) -> KResult<()> {
    let nodes = [
        (&b"null"[..], numbers::NULL, 0o666),
        (b"zero", numbers::ZERO, 0o666),
        (b"full", numbers::FULL, 0o666),
        (b"random", numbers::RANDOM, 0o666),
        (b"urandom", numbers::URANDOM, 0o666),
        (b"tty", numbers::TTY, 0o666),
        (b"console", numbers::CONSOLE, 0o600),
        (b"ttyS0", numbers::TTYS0, 0o660),
    ];
    let ok_if_exists = |r: KResult<Arc<dyn Inode>>| match r {
        Ok(_) | Err(Errno::EEXIST) => Ok(()),
        Err(e) => Err(e),
    };
    for (name, id, perm) in nodes {
        ok_if_exists(dir.create(name, NewNode::CharDevice(id), perm, 0, 0))?;
    }
    for name in [&b"pts"[..], b"shm"] {
        let perm = if name == b"shm" { 0o1777 } else { 0o755 };
        ok_if_exists(dir.create(name, NewNode::Directory, perm, 0, 0))?;
    }
    for (name, target) in [
        (&b"fd"[..], &b"/proc/self/fd"[..]),
        (b"stdin", b"/proc/self/fd/0"),
        (b"stdout", b"/proc/self/fd/1"),
        (b"stderr", b"/proc/self/fd/2"),
    ] {
        ok_if_exists(dir.create(name, NewNode::Symlink(target), 0o777, 0, 0))?;
    }
    Ok(())
}

/// A new devtmpfs instance (to mount at /dev) holding the standard nodes.
pub fn new_devfs() -> KResult<Arc<RamFs>> {
    let fs = RamFs::new("devtmpfs", 0o755);
    let root: Arc<dyn Inode> = fs.root_inode().clone();
    populate_dev(&root)?;
    Ok(fs)
}

#[cfg(test)]
mod test;
