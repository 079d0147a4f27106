//! ramfs: the in-memory file system of the root (unpacked from the
//! initramfs) and of every tmpfs mount (a new instance per mount).
//!
//! # Locks and lock ordering
//! - `Shared::ns` (one per instance) serializes every change to the name
//!   space: create, link, unlink, rmdir, rename. Lookups and `read_dir` do
//!   not take it.
//! - `RamInode::body` of a directory guards its entries and parent link.
//! - A regular file's data is an `mm::FilePages` (the page cache, which
//!   shared mappings map) with its own lock, a leaf taken alone. Its
//!   `truncate` calls into address spaces to unmap pages past the new end,
//!   so it is called with no ramfs lock held.
//! - `RamInode::attr` guards mode, owner, link count and times; it is a leaf.
//!
//! Lock order: `ns` -> directory `body` -> (child directory `body`, only in
//! rmdir) -> `attr`. File data and `attr` are never held together. At most
//! one directory body lock is held outside `ns` (by lookups), so two
//! directory locks taken under `ns` cannot deadlock.

mod anon;
mod dir;
mod names;
mod node;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};

use abi::linux as l;
use ksync::SpinLock;

use crate::hooks;
use crate::inode::{FileSystem, Inode, StatFs};
use crate::types::DevId;

pub use anon::new_anon_file;
pub use dir::DirEntries;
pub use mm::PAGE_SIZE;
pub use node::RamInode;

/// What an instance's inodes share.
struct Shared {
    dev: DevId,
    next_ino: AtomicU64,
    /// Serializes name-space changes. Lock order: first (see module doc).
    ns: SpinLock<()>,
}

/// One ramfs/tmpfs instance.
pub struct RamFs {
    shared: Arc<Shared>,
    root: Arc<RamInode>,
    fs_type: &'static str,
    magic: u32,
}

impl RamFs {
    /// A new, empty instance whose root directory has mode `root_perm`;
    /// `fs_type` is "rootfs", "ramfs", "tmpfs" or "devtmpfs" (shown in
    /// /proc/mounts; names ending in "tmpfs" report `TMPFS_MAGIC` to statfs).
    pub fn new(fs_type: &'static str, root_perm: u32) -> Arc<RamFs> {
        let shared = Arc::new(Shared {
            dev: hooks::alloc_anon_dev(),
            next_ino: AtomicU64::new(2),
            ns: SpinLock::new(()),
        });
        let root = RamInode::new_root(shared.clone(), root_perm);
        let magic = if fs_type.ends_with("tmpfs") {
            l::TMPFS_MAGIC
        } else {
            l::RAMFS_MAGIC
        };
        Arc::new(RamFs {
            shared,
            root,
            fs_type,
            magic,
        })
    }

    /// A new tmpfs instance (root mode 1777, as Linux mounts /tmp).
    pub fn new_tmpfs() -> Arc<RamFs> {
        Self::new("tmpfs", 0o1777)
    }

    /// The root directory with its concrete type.
    pub fn root_inode(&self) -> &Arc<RamInode> {
        &self.root
    }
}

impl Shared {
    fn alloc_ino(&self) -> u64 {
        self.next_ino.fetch_add(1, Ordering::Relaxed)
    }
}

impl FileSystem for RamFs {
    fn root(&self) -> Arc<dyn Inode> {
        self.root.clone()
    }
    fn fs_type(&self) -> &str {
        self.fs_type
    }
    fn dev(&self) -> DevId {
        self.shared.dev
    }
    fn statfs(&self) -> StatFs {
        StatFs {
            fs_type: self.magic as u64,
            block_size: PAGE_SIZE as u64,
            name_max: 255,
            ..StatFs::default()
        }
    }
}

#[cfg(test)]
mod test;
