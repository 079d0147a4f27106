//! Generated inodes for procfs and sysfs: files whose content comes from a
//! closure (snapshotted at open, like Linux's `seq_file` single_open),
//! optionally with a write handler; directories whose entries come from a
//! closure; symlinks whose target comes from a closure; and [`SimpleFs`] to
//! mount a tree of them.

use alloc::boxed::Box;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::task::{Context, Poll};

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::file::{FileOps, OpenFile, seek_position};
use crate::flags::OpenFlags;
use crate::hooks;
use crate::inode::{DirEntry, FileSystem, Inode, StatFs};
use crate::types::{DevId, FileType, Metadata};

/// Produces a file's content or a link's target.
pub type Generator = Box<dyn Fn() -> KResult<Vec<u8>> + Send + Sync>;
/// Handles one `write` to a synthetic file; returns the bytes consumed.
pub type WriteHandler = Box<dyn Fn(&[u8]) -> KResult<usize> + Send + Sync>;
/// Lists a synthetic directory: (name, inode) pairs.
pub type Lister = Box<dyn Fn() -> Vec<(Vec<u8>, Arc<dyn Inode>)> + Send + Sync>;
/// Lists a synthetic directory by name, inode number and type only
/// (`next_offset` is ignored): no inode is made per entry.
pub type Namer = Box<dyn Fn() -> Vec<DirEntry> + Send + Sync>;
/// Finds one name in a synthetic directory (faster than listing).
pub type Finder = Box<dyn Fn(&[u8]) -> Option<Arc<dyn Inode>> + Send + Sync>;

/// How a synthetic directory lists its entries.
enum Listing {
    /// (name, inode) pairs, which a lookup without a finder searches.
    Inodes(Lister),
    /// Names only, for a directory of many entries whose inodes are
    /// costly to make (/proc/<pid>/task of 100,000 threads); lookups go
    /// through the finder.
    Names(Namer),
}

/// Attributes of a synthetic inode: `dev` of its file system, a fresh inode
/// number, owner root, times "now".
pub fn synth_meta(dev: DevId, ty: FileType, perm: u32) -> Metadata {
    let mut m = Metadata::new(hooks::alloc_ino(), ty, perm, 0, 0, hooks::now());
    m.dev = dev;
    if ty == FileType::Directory {
        m.nlink = 2;
    }
    m
}

/// A file whose content is generated when it is opened.
pub struct SynthFile {
    meta: Metadata,
    read: Generator,
    write: Option<WriteHandler>,
    me: Weak<SynthFile>,
}

impl SynthFile {
    /// A read-only (unless `write` is given) generated file; `meta` from [`synth_meta`].
    pub fn new(meta: Metadata, read: Generator, write: Option<WriteHandler>) -> Arc<SynthFile> {
        Arc::new_cyclic(|me| SynthFile {
            meta,
            read,
            write,
            me: me.clone(),
        })
    }
}

impl Inode for SynthFile {
    fn mappable(&self) -> bool {
        false
    }

    fn ino(&self) -> u64 {
        self.meta.ino
    }
    fn metadata(&self) -> Metadata {
        self.meta
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> KResult<usize> {
        Ok(copy_at(&(self.read)()?, offset, buf))
    }
    fn write_at(&self, _offset: u64, buf: &[u8]) -> KResult<usize> {
        self.write
            .as_ref()
            .ok_or(Errno::EACCES)
            .and_then(|w| w(buf))
    }
    fn truncate(&self, _size: u64) -> KResult<()> {
        Ok(()) // O_TRUNC on a proc file is ignored, as on Linux
    }
    fn open(&self, flags: OpenFlags) -> KResult<Option<Arc<dyn FileOps>>> {
        if flags.writable() && self.write.is_none() {
            return Err(Errno::EACCES);
        }
        let content = if flags.readable() {
            (self.read)()?
        } else {
            Vec::new()
        };
        let file = self.me.upgrade().ok_or(Errno::ENOENT)?;
        Ok(Some(Arc::new(Snapshot { content, file })))
    }
}

fn copy_at(content: &[u8], offset: u64, buf: &mut [u8]) -> usize {
    let Ok(start) = usize::try_from(offset) else {
        return 0;
    };
    let Some(src) = content.get(start..) else {
        return 0;
    };
    let n = src.len().min(buf.len());
    buf[..n].copy_from_slice(&src[..n]);
    n
}

/// The open state of a [`SynthFile`]: the content as generated at open.
struct Snapshot {
    content: Vec<u8>,
    file: Arc<SynthFile>,
}

impl FileOps for Snapshot {
    fn poll_read(
        &self,
        file: &OpenFile,
        _cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<KResult<usize>> {
        let mut pos = file.pos();
        let n = copy_at(&self.content, *pos, buf);
        *pos += n as u64;
        Poll::Ready(Ok(n))
    }
    fn poll_write(
        &self,
        _file: &OpenFile,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<KResult<usize>> {
        Poll::Ready(self.file.write_at(0, buf))
    }
    fn read_at(&self, _file: &OpenFile, offset: u64, buf: &mut [u8]) -> KResult<usize> {
        Ok(copy_at(&self.content, offset, buf))
    }
    fn write_at(&self, _file: &OpenFile, _offset: u64, buf: &[u8]) -> KResult<usize> {
        self.file.write_at(0, buf)
    }
    fn seek(&self, file: &OpenFile, offset: i64, whence: u32) -> KResult<u64> {
        let mut pos = file.pos();
        *pos = seek_position(*pos, self.content.len() as u64, offset, whence)?;
        Ok(*pos)
    }
}

/// A symlink whose target is generated at each readlink (/proc/self).
pub struct SynthLink {
    meta: Metadata,
    target: Generator,
}

impl SynthLink {
    /// A generated symlink; `meta` from [`synth_meta`] with `FileType::Symlink`.
    pub fn new(meta: Metadata, target: Generator) -> Arc<SynthLink> {
        Arc::new(SynthLink { meta, target })
    }
}

impl Inode for SynthLink {
    fn ino(&self) -> u64 {
        self.meta.ino
    }
    fn metadata(&self) -> Metadata {
        self.meta
    }
    fn read_link(&self) -> KResult<Vec<u8>> {
        (self.target)()
    }
}

/// A directory whose entries are generated on each listing or lookup.
/// Offsets are positions in the generated list (stable while it is).
pub struct SynthDir {
    meta: Metadata,
    list: Listing,
    find: Option<Finder>,
    /// `..`; `None`: the directory itself (a file system root). Lock order: leaf.
    parent: SpinLock<Option<Weak<dyn Inode>>>,
    /// The latest listing, sorted by inode number: offset 2 generates a
    /// new one and later offsets read on in whatever is latest, so going
    /// through N entries lists the directory once, not N times (quadratic
    /// in a /proc with many processes). An offset past the start names the
    /// last inode number returned, not a position (as Linux's /proc root
    /// continues from the last pid), so a reader continuing in a listing
    /// that another reader made, with entries gone or added, skips none of
    /// the entries that are in both: the fuzzer's scans of /proc, run
    /// beside its workers' getdents, once missed live processes that way.
    /// Lock order: leaf; never held while listing.
    listing: SpinLock<Option<Arc<Vec<DirEntry>>>>,
}

impl SynthDir {
    /// A generated directory; `find` speeds up lookups (otherwise `list` is
    /// searched).
    pub fn new(meta: Metadata, list: Lister, find: Option<Finder>) -> Arc<SynthDir> {
        Self::with_listing(meta, Listing::Inodes(list), find)
    }

    /// A generated directory listed by `names`, whose entries `find`
    /// makes one at a time.
    pub fn of_names(meta: Metadata, names: Namer, find: Finder) -> Arc<SynthDir> {
        Self::with_listing(meta, Listing::Names(names), Some(find))
    }

    fn with_listing(meta: Metadata, list: Listing, find: Option<Finder>) -> Arc<SynthDir> {
        Arc::new(SynthDir {
            meta,
            list,
            find,
            parent: SpinLock::new(None),
            listing: SpinLock::new(None),
        })
    }

    /// Sets the directory `..` leads to.
    pub fn set_parent(&self, parent: Weak<dyn Inode>) {
        *self.parent.lock() = Some(parent);
    }

    fn parent(&self) -> Option<Arc<dyn Inode>> {
        self.parent.lock().as_ref().and_then(Weak::upgrade)
    }
}

impl Inode for SynthDir {
    fn ino(&self) -> u64 {
        self.meta.ino
    }
    fn metadata(&self) -> Metadata {
        self.meta
    }
    fn lookup(&self, name: &[u8]) -> KResult<Arc<dyn Inode>> {
        if name == b".." {
            return self.parent().ok_or(Errno::ENOENT);
        }
        let found = match (&self.find, &self.list) {
            (Some(f), _) => f(name),
            (None, Listing::Inodes(list)) => list().into_iter().find(|(n, _)| n == name).map(|(_, i)| i),
            // `of_names` always has a finder.
            (None, Listing::Names(_)) => None,
        };
        found.ok_or(Errno::ENOENT)
    }
    fn read_dir(&self, offset: u64) -> KResult<Option<DirEntry>> {
        let dot = |name: &[u8], ino| DirEntry {
            ino,
            file_type: FileType::Directory,
            name: name.to_vec(),
            next_offset: offset + 1,
        };
        Ok(match offset {
            0 => Some(dot(b".", self.meta.ino)),
            1 => Some(dot(b"..", self.parent().map_or(self.meta.ino, |p| p.ino()))),
            _ => {
                let cached = if offset == 2 { None } else { self.listing.lock().clone() };
                let listing = match cached {
                    Some(listing) => listing,
                    None => {
                        let mut fresh: Vec<DirEntry> = match &self.list {
                            Listing::Inodes(list) => list()
                                .into_iter()
                                .map(|(name, inode)| DirEntry { ino: inode.ino(), file_type: inode.file_type(), name, next_offset: 0 })
                                .collect(),
                            Listing::Names(names) => names(),
                        };
                        fresh.sort_by_key(|e| e.ino);
                        let fresh = Arc::new(fresh);
                        *self.listing.lock() = Some(fresh.clone());
                        fresh
                    }
                };
                // Offset 2 starts; offset `ino + 3` continues after `ino`.
                let first = match offset.checked_sub(3) {
                    None => 0,
                    Some(last_ino) => listing.partition_point(|e| e.ino <= last_ino),
                };
                listing.get(first).map(|e| DirEntry { next_offset: e.ino.saturating_add(3), ..e.clone() })
            }
        })
    }
}

/// A file system whose tree is made of synthetic inodes (procfs, sysfs).
pub struct SimpleFs {
    root: Arc<dyn Inode>,
    fs_type: &'static str,
    dev: DevId,
    magic: u64,
}

impl SimpleFs {
    /// `root` should have been made with `dev`'s metadata; `magic` is the
    /// statfs type (`PROC_SUPER_MAGIC`...).
    pub fn new(
        root: Arc<dyn Inode>,
        fs_type: &'static str,
        dev: DevId,
        magic: u64,
    ) -> Arc<SimpleFs> {
        Arc::new(SimpleFs {
            root,
            fs_type,
            dev,
            magic,
        })
    }
}

impl FileSystem for SimpleFs {
    fn root(&self) -> Arc<dyn Inode> {
        self.root.clone()
    }
    fn fs_type(&self) -> &str {
        self.fs_type
    }
    fn dev(&self) -> DevId {
        self.dev
    }
    fn statfs(&self) -> StatFs {
        StatFs {
            fs_type: self.magic,
            block_size: 4096,
            name_max: 255,
            ..StatFs::default()
        }
    }
}

#[cfg(test)]
mod test;
