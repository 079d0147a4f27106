//! [`RamInode`]: a ramfs inode and its [`Inode`] implementation.

use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;

use abi::{Errno, KResult};
use ksync::SpinLock;
use mm::FilePages;

use super::{DirEntries, Shared};
use crate::file::FileOps;
use crate::flags::OpenFlags;
use crate::hooks::now;
use crate::inode::{DirEntry, Inode, NewNode};
use crate::pipe::Pipe;
use crate::types::{DevId, FileType, Metadata, PERM_MASK, SetAttr, TimeChange, Timespec};

/// Attributes that change. Lock order: leaf.
pub(super) struct Attr {
    pub(super) perm: u32,
    pub(super) nlink: u32,
    pub(super) uid: u32,
    pub(super) gid: u32,
    pub(super) atime: Timespec,
    pub(super) mtime: Timespec,
    pub(super) ctime: Timespec,
}

/// A directory's contents.
pub(super) struct DirBody {
    pub(super) entries: DirEntries<Arc<RamInode>>,
    /// `..`; the root points at itself.
    pub(super) parent: Weak<RamInode>,
    /// Set by rmdir: no new entries may appear.
    pub(super) dead: bool,
}

enum Body {
    /// The data lives in page-cache frames (see the module doc).
    File(Arc<FilePages>),
    Dir(SpinLock<DirBody>),
    Symlink(Vec<u8>),
    Device(DevId),
    Fifo(Arc<Pipe>),
    Socket,
}

/// A ramfs inode.
pub struct RamInode {
    pub(super) ino: u64,
    pub(super) ty: FileType,
    pub(super) me: Weak<RamInode>,
    pub(super) fs: Arc<Shared>,
    pub(super) attr: SpinLock<Attr>,
    body: Body,
}

impl RamInode {
    pub(super) fn new_root(fs: Arc<Shared>, perm: u32) -> Arc<RamInode> {
        Arc::new_cyclic(|me| {
            let body = Body::Dir(SpinLock::new(DirBody {
                entries: DirEntries::default(),
                parent: me.clone(),
                dead: false,
            }));
            RamInode::build(me.clone(), fs, 1, FileType::Directory, perm, 0, 0, body)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        me: Weak<RamInode>,
        fs: Arc<Shared>,
        ino: u64,
        ty: FileType,
        perm: u32,
        uid: u32,
        gid: u32,
        body: Body,
    ) -> RamInode {
        let t = now();
        let nlink = if ty == FileType::Directory { 2 } else { 1 };
        let attr = Attr {
            perm: perm & PERM_MASK,
            nlink,
            uid,
            gid,
            atime: t,
            mtime: t,
            ctime: t,
        };
        RamInode {
            ino,
            ty,
            me,
            fs,
            attr: SpinLock::new(attr),
            body,
        }
    }

    pub(super) fn new_child(
        &self,
        node: NewNode<'_>,
        perm: u32,
        uid: u32,
        gid: u32,
    ) -> KResult<Arc<RamInode>> {
        self.fs.reserve_inode()?;
        let parent = self.me.clone();
        let ino = self.fs.alloc_ino();
        let fs = self.fs.clone();
        Ok(Arc::new_cyclic(|me| {
            let body = match node {
                NewNode::Regular => Body::File(FilePages::with_quota(fs.pages.clone())),
                NewNode::Directory => Body::Dir(SpinLock::new(DirBody {
                    entries: DirEntries::default(),
                    parent,
                    dead: false,
                })),
                NewNode::Symlink(target) => Body::Symlink(target.to_vec()),
                NewNode::CharDevice(d) | NewNode::BlockDevice(d) => Body::Device(d),
                NewNode::Fifo => Body::Fifo(Arc::new(Pipe::new())),
                NewNode::Socket => Body::Socket,
            };
            let perm = if matches!(node, NewNode::Symlink(_)) {
                0o777
            } else {
                perm
            };
            RamInode::build(me.clone(), fs, ino, node.file_type(), perm, uid, gid, body)
        }))
    }

    pub(super) fn dir(&self) -> KResult<&SpinLock<DirBody>> {
        match &self.body {
            Body::Dir(d) => Ok(d),
            _ => Err(Errno::ENOTDIR),
        }
    }

    pub(super) fn file(&self) -> KResult<&Arc<FilePages>> {
        match &self.body {
            Body::File(f) => Ok(f),
            Body::Dir(_) => Err(Errno::EISDIR),
            _ => Err(Errno::EINVAL),
        }
    }

    /// `inode` as a ramfs inode of this instance (EXDEV otherwise).
    pub(super) fn same_fs(&self, inode: &Arc<dyn Inode>) -> KResult<Arc<RamInode>> {
        let any = inode.clone().into_any();
        match any.downcast::<RamInode>() {
            Ok(r) if Arc::ptr_eq(&r.fs, &self.fs) => Ok(r),
            _ => Err(Errno::EXDEV),
        }
    }

    pub(super) fn touch_modified(&self) {
        let t = now();
        let mut a = self.attr.lock();
        a.mtime = t;
        a.ctime = t;
    }

    pub(super) fn add_links(&self, delta: i32) {
        let mut a = self.attr.lock();
        a.nlink = a.nlink.saturating_add_signed(delta);
        a.ctime = now();
    }

    pub(super) fn is_empty_dir(&self) -> bool {
        self.dir()
            .map(|d| d.lock().entries.is_empty())
            .unwrap_or(false)
    }

    /// Whether `self` is `other` or one of its ancestors. Caller holds `ns`.
    pub(super) fn is_ancestor_of(&self, other: &Arc<RamInode>) -> bool {
        let mut cur = other.clone();
        loop {
            if cur.ino == self.ino {
                return true;
            }
            let Some(parent) = cur.dir().ok().and_then(|d| d.lock().parent.upgrade()) else {
                return false;
            };
            if parent.ino == cur.ino {
                return false;
            }
            cur = parent;
        }
    }
}

impl Drop for RamInode {
    fn drop(&mut self) {
        self.fs.release_inode();
    }
}

impl Inode for RamInode {
    fn ino(&self) -> u64 {
        self.ino
    }

    fn metadata(&self) -> Metadata {
        // The data lock is released before `attr` is taken.
        let (size, blocks) = match &self.body {
            Body::File(f) => {
                let (size, pages) = f.size_and_pages();
                (size, pages as u64 * (super::PAGE_SIZE as u64 / 512))
            }
            Body::Symlink(t) => (t.len() as u64, 0),
            _ => (0, 0),
        };
        let rdev = if let Body::Device(d) = &self.body {
            *d
        } else {
            DevId::default()
        };
        let a = self.attr.lock();
        Metadata {
            dev: self.fs.dev,
            ino: self.ino,
            mode: self.ty.mode_bits() | a.perm,
            nlink: a.nlink,
            uid: a.uid,
            gid: a.gid,
            rdev,
            size,
            blksize: 4096,
            blocks,
            atime: a.atime,
            mtime: a.mtime,
            ctime: a.ctime,
        }
    }

    fn set_attr(&self, attr: &SetAttr) -> KResult<()> {
        let t = now();
        let mut a = self.attr.lock();
        if let Some(mode) = attr.mode {
            a.perm = mode & PERM_MASK;
        }
        if let Some(uid) = attr.uid {
            a.uid = uid;
        }
        if let Some(gid) = attr.gid {
            a.gid = gid;
        }
        let apply = |slot: &mut Timespec, change: TimeChange| match change {
            TimeChange::Omit => {}
            TimeChange::Now => *slot = t,
            TimeChange::Set(ts) => *slot = ts,
        };
        apply(&mut a.atime, attr.atime);
        apply(&mut a.mtime, attr.mtime);
        a.ctime = t;
        Ok(())
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> KResult<usize> {
        Ok(self.file()?.read_at(offset, buf))
    }

    fn write_at(&self, offset: u64, buf: &[u8]) -> KResult<usize> {
        let n = self.file()?.write_at(offset, buf)?;
        self.touch_modified();
        Ok(n)
    }

    fn append(&self, buf: &[u8]) -> KResult<(u64, usize)> {
        let done = self.file()?.append(buf)?;
        self.touch_modified();
        Ok(done)
    }

    fn truncate(&self, size: u64) -> KResult<()> {
        // No ramfs lock is held: this unmaps pages from address spaces.
        self.file()?.truncate(size);
        self.touch_modified();
        Ok(())
    }

    fn page_cache(&self) -> Option<Arc<FilePages>> {
        self.file().ok().cloned()
    }

    fn lookup(&self, name: &[u8]) -> KResult<Arc<dyn Inode>> {
        let dir = self.dir()?.lock();
        let found = if name == b".." {
            dir.parent.upgrade()
        } else {
            dir.entries.get(name).cloned()
        };
        found.map(|n| n as Arc<dyn Inode>).ok_or(Errno::ENOENT)
    }

    fn create(
        &self,
        name: &[u8],
        node: NewNode<'_>,
        perm: u32,
        uid: u32,
        gid: u32,
    ) -> KResult<Arc<dyn Inode>> {
        self.ns_create(name, node, perm, uid, gid)
    }

    fn link(&self, name: &[u8], target: &Arc<dyn Inode>) -> KResult<()> {
        self.ns_link(name, target)
    }

    fn unlink(&self, name: &[u8]) -> KResult<()> {
        self.ns_unlink(name)
    }

    fn rmdir(&self, name: &[u8]) -> KResult<()> {
        self.ns_rmdir(name)
    }

    fn rename(
        &self,
        old: &[u8],
        new_dir: &Arc<dyn Inode>,
        new: &[u8],
        noreplace: bool,
    ) -> KResult<()> {
        self.ns_rename(old, new_dir, new, noreplace)
    }

    fn read_dir(&self, offset: u64) -> KResult<Option<DirEntry>> {
        let dir = self.dir()?.lock();
        let entry = match offset {
            0 => DirEntry {
                ino: self.ino,
                file_type: FileType::Directory,
                name: b".".to_vec(),
                next_offset: 1,
            },
            1 => {
                let ino = dir.parent.upgrade().map_or(self.ino, |p| p.ino);
                DirEntry {
                    ino,
                    file_type: FileType::Directory,
                    name: b"..".to_vec(),
                    next_offset: 2,
                }
            }
            _ => match dir.entries.first_from(offset) {
                Some((cookie, name, node)) => DirEntry {
                    ino: node.ino,
                    file_type: node.ty,
                    name: name.to_vec(),
                    next_offset: cookie + 1,
                },
                None => return Ok(None),
            },
        };
        Ok(Some(entry))
    }

    fn read_link(&self) -> KResult<Vec<u8>> {
        match &self.body {
            Body::Symlink(t) => Ok(t.clone()),
            _ => Err(Errno::EINVAL),
        }
    }

    fn open(&self, flags: OpenFlags) -> KResult<Option<Arc<dyn FileOps>>> {
        match &self.body {
            Body::Fifo(pipe) => pipe.open_fifo(flags).map(Some),
            Body::Socket => Err(Errno::ENXIO),
            _ => Ok(None),
        }
    }
}
