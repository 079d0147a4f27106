//! ramfs: the in-memory file system of the root (unpacked from the
//! initramfs) and of every tmpfs mount (a new instance per mount).
//!
//! A tmpfs mount is bounded, as on Linux: its files may hold at most
//! `size=` pages together (a [`PageQuota`] every file charges; ENOSPC past
//! it) and it may have at most `nr_inodes=` inodes (ENOSPC). Both default
//! to half of RAM (see `options`). The root file system, devtmpfs and the
//! memfd instance are unbounded, as Linux's kernel-internal mounts.
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
mod options;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};

use abi::linux as l;
use abi::{Errno, KResult};
use ksync::SpinLock;
use mm::cache::PageQuota;

use crate::hooks;
use crate::inode::{FileSystem, Inode, StatFs};
use crate::types::DevId;

pub use anon::new_anon_file;
pub use dir::DirEntries;
pub use mm::PAGE_SIZE;
pub use node::RamInode;
pub use options::TmpfsOptions;

/// What an instance's inodes share.
struct Shared {
    dev: DevId,
    next_ino: AtomicU64,
    /// Serializes name-space changes. Lock order: first (see module doc).
    ns: SpinLock<()>,
    /// What the files' frames are charged to; `None`: unbounded.
    pages: Option<Arc<PageQuota>>,
    /// Live inodes, and how many may live (`u64::MAX`: unbounded).
    inodes: AtomicU64,
    inode_limit: AtomicU64,
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
        Self::build(fs_type, root_perm, None, None)
    }

    fn build(
        fs_type: &'static str,
        root_perm: u32,
        page_limit: Option<u64>,
        inode_limit: Option<u64>,
    ) -> Arc<RamFs> {
        let shared = Arc::new(Shared {
            dev: hooks::alloc_anon_dev(),
            next_ino: AtomicU64::new(2),
            ns: SpinLock::new(()),
            pages: page_limit.map(|n| Arc::new(PageQuota::new(Some(usize::try_from(n).unwrap_or(usize::MAX))))),
            inodes: AtomicU64::new(0),
            inode_limit: AtomicU64::new(inode_limit.unwrap_or(u64::MAX)),
        });
        // The root counts as an inode even past the limit, as on Linux.
        shared.inodes.fetch_add(1, Ordering::Relaxed);
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

    /// A new tmpfs instance with Linux's default bounds (half of RAM, in
    /// pages and in inodes) and root mode 1777, as Linux mounts /tmp.
    pub fn new_tmpfs() -> Arc<RamFs> {
        Self::new_tmpfs_with(b"").expect("empty tmpfs options are valid")
    }

    /// A new tmpfs instance configured by mount(2)'s option string.
    pub fn new_tmpfs_with(options: &[u8]) -> KResult<Arc<RamFs>> {
        let ram_pages = ram_pages();
        let opts = TmpfsOptions::parse(options, ram_pages)?;
        let (pages, inodes) = opts.limits(ram_pages);
        // An unbounded size still counts pages for statfs.
        let fs = Self::build("tmpfs", opts.mode.unwrap_or(0o1777), Some(pages.unwrap_or(u64::MAX)), inodes);
        if opts.uid.is_some() || opts.gid.is_some() {
            let mut a = fs.root.attr.lock();
            a.uid = opts.uid.unwrap_or(a.uid);
            a.gid = opts.gid.unwrap_or(a.gid);
        }
        Ok(fs)
    }

    /// The root directory with its concrete type.
    pub fn root_inode(&self) -> &Arc<RamInode> {
        &self.root
    }
}

fn ram_pages() -> u64 {
    mm::frame::total_frames() as u64
}

impl Shared {
    fn alloc_ino(&self) -> u64 {
        self.next_ino.fetch_add(1, Ordering::Relaxed)
    }

    /// Counts a new inode, or ENOSPC at the limit.
    fn reserve_inode(&self) -> KResult<()> {
        let limit = self.inode_limit.load(Ordering::Relaxed);
        self.inodes
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |n| (n < limit).then_some(n + 1))
            .map(drop)
            .map_err(|_| Errno::ENOSPC)
    }

    fn release_inode(&self) {
        self.inodes.fetch_sub(1, Ordering::AcqRel);
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
        let mut stats = StatFs {
            fs_type: self.magic as u64,
            block_size: PAGE_SIZE as u64,
            name_max: 255,
            ..StatFs::default()
        };
        // Unbounded counts report 0 totals, as Linux's ramfs and `size=0`.
        if let Some(q) = &self.shared.pages
            && let Some(limit) = q.limit()
        {
            stats.blocks = limit as u64;
            stats.blocks_free = limit.saturating_sub(q.used()) as u64;
        }
        let inode_limit = self.shared.inode_limit.load(Ordering::Relaxed);
        if inode_limit != u64::MAX {
            stats.files = inode_limit;
            stats.files_free = inode_limit.saturating_sub(self.shared.inodes.load(Ordering::Relaxed));
        }
        stats
    }

    fn reconfigure(&self, options: &[u8]) -> KResult<()> {
        let Some(quota) = &self.shared.pages else {
            return Ok(());
        };
        let ram_pages = ram_pages();
        let opts = TmpfsOptions::parse(options, ram_pages)?;
        // Only what the options name changes, as Linux's shmem_reconfigure.
        if let Some(size) = opts.size_pages {
            let pages = (size != 0).then(|| usize::try_from(size).unwrap_or(usize::MAX));
            quota.set_limit(pages)?;
        }
        if let Some(n) = opts.nr_inodes {
            let limit = if n == 0 { u64::MAX } else { n };
            if self.shared.inodes.load(Ordering::Relaxed) > limit {
                return Err(Errno::EINVAL);
            }
            self.shared.inode_limit.store(limit, Ordering::Relaxed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod test;
