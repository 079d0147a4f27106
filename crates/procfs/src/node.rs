//! Building blocks: generated files, links and directories over
//! `fs::synthetic`, with inode numbers derived from what they show.
//!
//! procfs keeps no tree: every lookup builds the child afresh (Linux keeps
//! dentries; weft's VFS has no dentry cache). Two things must still hold:
//! - the same path has the same inode number on every lookup, because the
//!   VFS identifies directories by number (`getcwd` scans the parent for
//!   it, mounts are keyed by it): numbers come from [`Ino`];
//! - `..` works from any directory: a child directory keeps a strong
//!   reference to the directory it was found in (children are never kept
//!   by their parents, so there is no cycle).

use alloc::boxed::Box;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;

use abi::KResult;
use fs::synthetic::{SynthDir, SynthFile, SynthLink};
use fs::{DevId, DirEntry, FileType, Inode, Metadata};
use ksync::Once;

/// Directory entries: (name, inode).
pub type Entries = Vec<(Vec<u8>, Arc<dyn Inode>)>;

/// What every node of one procfs/sysfs instance shares.
#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    /// The instance's anonymous device number (`st_dev`).
    pub dev: DevId,
}

/// Inode numbers. Global nodes take small fixed numbers; per-process and
/// per-thread nodes encode (pid, tid, kind) so that they are stable.
pub struct Ino;

impl Ino {
    pub const ROOT: u64 = 1;
    const PROC: u64 = 1 << 62;
    const FD: u64 = 1 << 61;

    /// A node of process `pid` (`tid` 0) or of its thread `tid`.
    pub fn of(pid: i32, tid: i32, kind: u64) -> u64 {
        Self::PROC | ((pid as u64 & 0x3fff_ffff) << 32) | ((tid as u64 & 0xff_ffff) << 8) | (kind & 0xff)
    }

    /// `fd/N` (`info` false) or `fdinfo/N` (true) of process `pid`.
    pub fn fd(pid: i32, fd: i32, info: bool) -> u64 {
        Self::FD | ((pid as u64 & 0x3fff_ffff) << 32) | ((fd as u64 & 0x7fff_ffff) << 1) | info as u64
    }
}

/// Attributes of a generated node; times are "now", as Linux's procfs
/// inodes get theirs when first looked up.
pub fn meta(ctx: Ctx, ino: u64, ty: FileType, perm: u32, uid: u32, gid: u32) -> Metadata {
    let mut m = Metadata::new(ino, ty, perm, uid, gid, fs::hooks::now());
    m.dev = ctx.dev;
    if ty == FileType::Directory {
        m.nlink = 2;
    }
    m
}

/// A read-only file owned by root.
pub fn file(ctx: Ctx, ino: u64, perm: u32, read: impl Fn() -> KResult<Vec<u8>> + Send + Sync + 'static) -> Arc<dyn Inode> {
    SynthFile::new(meta(ctx, ino, FileType::Regular, perm, 0, 0), Box::new(read), None)
}

/// A file with a write handler; `owner` is (uid, gid).
pub fn rw_file(
    ctx: Ctx,
    ino: u64,
    perm: u32,
    owner: (u32, u32),
    read: impl Fn() -> KResult<Vec<u8>> + Send + Sync + 'static,
    write: impl Fn(&[u8]) -> KResult<usize> + Send + Sync + 'static,
) -> Arc<dyn Inode> {
    let m = meta(ctx, ino, FileType::Regular, perm, owner.0, owner.1);
    SynthFile::new(m, Box::new(read), Some(Box::new(write)))
}

/// A symbolic link whose target is generated at each readlink.
pub fn link(ctx: Ctx, ino: u64, perm: u32, owner: (u32, u32), target: impl Fn() -> KResult<Vec<u8>> + Send + Sync + 'static) -> Arc<dyn Inode> {
    SynthLink::new(meta(ctx, ino, FileType::Symlink, perm, owner.0, owner.1), Box::new(target))
}

/// A generated directory. `list` and `find` receive the directory itself,
/// to pass as the parent of the directories they create. `parent` (None
/// only for a file system root) is kept alive as long as this directory.
pub fn dir<L, F>(m: Metadata, parent: Option<Arc<dyn Inode>>, list: L, find: F) -> Arc<dyn Inode>
where
    L: Fn(&Arc<dyn Inode>) -> Entries + Send + Sync + 'static,
    F: Fn(&Arc<dyn Inode>, &[u8]) -> Option<Arc<dyn Inode>> + Send + Sync + 'static,
{
    // The directory's weak handle on itself: set right after creation.
    let me: Arc<Once<Weak<dyn Inode>>> = Arc::new(Once::new());
    let (me_list, me_find) = (me.clone(), me.clone());
    let keep = parent.clone();
    let d = SynthDir::new(
        m,
        Box::new(move || {
            let _ = &keep; // our `..` lives as long as we do
            match me_list.get().and_then(Weak::upgrade) {
                Some(this) => list(&this),
                None => Vec::new(),
            }
        }),
        Some(Box::new(move |name| {
            let this = me_find.get()?.upgrade()?;
            find(&this, name)
        })),
    );
    if let Some(p) = &parent {
        d.set_parent(Arc::downgrade(p));
    }
    let d: Arc<dyn Inode> = d;
    me.call_once(|| Arc::downgrade(&d));
    d
}

/// A generated directory listed by name only (`SynthDir::of_names`):
/// `names` gives (name, inode number, type) without making the entries,
/// which `find` makes one at a time, with the directory as their parent.
pub fn dir_of_names<N, F>(m: Metadata, parent: Arc<dyn Inode>, names: N, find: F) -> Arc<dyn Inode>
where
    N: Fn() -> Vec<DirEntry> + Send + Sync + 'static,
    F: Fn(&Arc<dyn Inode>, &[u8]) -> Option<Arc<dyn Inode>> + Send + Sync + 'static,
{
    let me: Arc<Once<Weak<dyn Inode>>> = Arc::new(Once::new());
    let me_find = me.clone();
    let keep = parent.clone();
    let d = SynthDir::of_names(
        m,
        Box::new(move || {
            let _ = &keep; // our `..` lives as long as we do
            names()
        }),
        Box::new(move |name| {
            let this = me_find.get()?.upgrade()?;
            find(&this, name)
        }),
    );
    d.set_parent(Arc::downgrade(&parent));
    let d: Arc<dyn Inode> = d;
    me.call_once(|| Arc::downgrade(&d));
    d
}

/// A constructor of one named entry of a fixed directory.
pub type Maker = fn(Ctx, &Arc<dyn Inode>) -> Arc<dyn Inode>;

/// A directory with a fixed set of entries, made on demand.
pub fn fixed_dir(ctx: Ctx, ino: u64, parent: Option<Arc<dyn Inode>>, entries: &'static [(&'static str, Maker)]) -> Arc<dyn Inode> {
    dir(
        meta(ctx, ino, FileType::Directory, 0o555, 0, 0),
        parent,
        move |this| entries.iter().map(|(name, make)| (name.as_bytes().to_vec(), make(ctx, this))).collect(),
        move |this, name| entries.iter().find(|(n, _)| n.as_bytes() == name).map(|(_, make)| make(ctx, this)),
    )
}
