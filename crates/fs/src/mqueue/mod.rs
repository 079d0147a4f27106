//! POSIX message queues and the mqueue file system (Linux's ipc/mqueue.c).
//!
//! There is one instance, as Linux has one per IPC namespace and weft has
//! one namespace: `mq_open` works on it directly, and `mount -t mqueue`
//! mounts the same instance, so `/dev/mqueue` lists the queues, `cat`
//! shows a queue's status line, `rm` is `mq_unlink` and `open(O_CREAT)`
//! makes a queue with the default sizes.
//!
//! A queue ([`queue::MessageQueue`]) lives while its name is in the
//! directory or an open file refers to it; its [`limits::Charge`] (queue
//! count, the user's bytes) is given back when both are gone.
//!
//! Lock order: the directory's `entries` -> a queue's state (leaf) and the
//! limits' user table (leaf). Queues are dropped after `entries` is
//! released.

pub mod limits;
pub mod queue;

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::file::FileOps;
use crate::flags::OpenFlags;
use crate::hooks;
use crate::inode::{DirEntry, FileSystem, Inode, NewNode, StatFs};
use crate::perm::{self, Access, Cred};
use crate::types::{DevId, FileType, Metadata, SetAttr, TimeChange};
use limits::Creator;
use queue::MessageQueue;

/// `statfs` f_type of mqueue.
pub const MQUEUE_MAGIC: u64 = 0x1980_0202;
/// `st_size` of a queue (the status line's buffer, FILENT_SIZE).
pub(crate) const FILENT_SIZE: u64 = 80;
/// What each entry adds to the directory's `st_size` (DIRENT_SIZE).
const DIRENT_SIZE: u64 = 20;
/// Linux's NAME_MAX, checked by the directory's lookup.
const NAME_MAX: usize = 255;

pub struct MqueueFs {
    dev: DevId,
    root: Arc<QueueDir>,
}

/// The one instance (internal mount and every `mount -t mqueue`).
pub fn instance() -> Arc<MqueueFs> {
    static FS: ksync::Lazy<Arc<MqueueFs>> = ksync::Lazy::new(|| {
        let dev = hooks::alloc_anon_dev();
        let mut meta = Metadata::new(hooks::alloc_ino(), FileType::Directory, 0o1777, 0, 0, hooks::now());
        meta.dev = dev;
        meta.nlink = 2;
        meta.size = 2 * DIRENT_SIZE;
        let root = Arc::new(QueueDir { meta: SpinLock::new(meta), entries: SpinLock::new(Entries::default()) });
        Arc::new(MqueueFs { dev, root })
    });
    FS.clone()
}

impl FileSystem for MqueueFs {
    fn root(&self) -> Arc<dyn Inode> {
        self.root.clone()
    }

    fn fs_type(&self) -> &str {
        "mqueue"
    }

    fn dev(&self) -> DevId {
        self.dev
    }

    fn statfs(&self) -> StatFs {
        StatFs { fs_type: MQUEUE_MAGIC, block_size: 4096, name_max: NAME_MAX as u64, ..StatFs::default() }
    }
}

/// The root directory: the queues by name.
struct QueueDir {
    meta: SpinLock<Metadata>,
    entries: SpinLock<Entries>,
}

#[derive(Default)]
struct Entries {
    by_name: BTreeMap<Vec<u8>, (u64, Arc<QueueInode>)>,
    /// Directory offsets (from 2, never reused) to names, so that a
    /// readdir in progress sees no entry twice.
    by_offset: BTreeMap<u64, Vec<u8>>,
    next_offset: u64,
}

/// A queue as a directory entry: its attributes and the queue.
pub struct QueueInode {
    meta: SpinLock<Metadata>,
    queue: Arc<MessageQueue>,
}

impl QueueInode {
    pub fn queue(&self) -> &Arc<MessageQueue> {
        &self.queue
    }
}

/// What `mq_open` asks for, decoded and checked by the syscall layer.
pub struct OpenRequest<'a> {
    /// The name, without a leading '/'.
    pub name: &'a [u8],
    /// O_CREAT, O_EXCL and the access mode matter here.
    pub flags: OpenFlags,
    /// Permission bits for a new queue, the umask already applied.
    pub perm: u32,
    /// `struct mq_attr` (mq_maxmsg, mq_msgsize) for a new queue.
    pub attr: Option<(i64, i64)>,
    /// The caller's file system identity (permission checks, the owner).
    pub cred: Cred<'a>,
    pub creator: Creator,
}

/// Finds or makes the queue `req.name`: the checks of Linux's `do_mq_open`
/// and `prepare_open` in their order. Returns the queue's inode.
pub fn open(req: &OpenRequest<'_>) -> KResult<Arc<QueueInode>> {
    check_name(req.name)?;
    let fs = instance();
    let mut entries = fs.root.entries.lock();
    if let Some((_, inode)) = entries.by_name.get(req.name) {
        let inode = inode.clone();
        drop(entries);
        if req.flags.contains(OpenFlags::CREAT | OpenFlags::EXCL) {
            return Err(Errno::EEXIST);
        }
        let want = match req.flags.access_mode() {
            0 => Access::READ,
            1 => Access::WRITE,
            2 => Access::READ | Access::WRITE,
            _ => return Err(Errno::EINVAL),
        };
        perm::check_access(&inode.metadata(), &req.cred, want)?;
        return Ok(inode);
    }
    if !req.flags.contains(OpenFlags::CREAT) {
        return Err(Errno::ENOENT);
    }
    // Creating is writing the directory (Linux's vfs_mkobj -> may_create),
    // as removing is (`QueueDir::remove`).
    perm::check_access(&fs.root.metadata(), &req.cred, Access::WRITE | Access::EXEC)?;
    let (maxmsg, msgsize) = req.attr.unwrap_or_else(|| {
        let (m, s) = limits::default_attr();
        (m as i64, s as i64)
    });
    let charge = limits::charge(req.creator, maxmsg, msgsize)?;
    let queue = Arc::new(MessageQueue::new(maxmsg, msgsize, charge));
    let mut meta = Metadata::new(hooks::alloc_ino(), FileType::Regular, req.perm, req.cred.uid, req.cred.gid, hooks::now());
    meta.dev = fs.dev;
    meta.size = FILENT_SIZE;
    let inode = Arc::new(QueueInode { meta: SpinLock::new(meta), queue });
    let offset = entries.next_offset.max(2);
    entries.next_offset = offset + 1;
    entries.by_name.insert(req.name.to_vec(), (offset, inode.clone()));
    entries.by_offset.insert(offset, req.name.to_vec());
    drop(entries);
    fs.root.changed(DIRENT_SIZE as i64);
    Ok(inode)
}

/// `mq_unlink`: ENOENT, or EACCES unless the caller may write the
/// directory and, it being sticky, owns the queue (or is root).
pub fn unlink(name: &[u8], cred: &Cred<'_>) -> KResult<()> {
    check_name(name)?;
    instance().root.remove(name, Some(cred))
}

/// The name rules of Linux's `lookup_one_len` and the directory's lookup:
/// EACCES for "", ".", ".." and names with '/'; ENAMETOOLONG past NAME_MAX.
fn check_name(name: &[u8]) -> KResult<()> {
    if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') || name.contains(&0) {
        return Err(Errno::EACCES);
    }
    if name.len() > NAME_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(())
}

impl QueueDir {
    /// Removes `name`. `cred` Some: check write permission on the directory
    /// and the sticky bit (the VFS checked both already when None).
    fn remove(&self, name: &[u8], cred: Option<&Cred<'_>>) -> KResult<()> {
        let mut entries = self.entries.lock();
        let (offset, inode) = entries.by_name.get(name).cloned().ok_or(Errno::ENOENT)?;
        if let Some(cred) = cred {
            let dir = self.metadata();
            perm::check_access(&dir, cred, Access::WRITE | Access::EXEC)?;
            perm::check_sticky(&dir, &inode.metadata(), cred)?;
        }
        entries.by_name.remove(name);
        entries.by_offset.remove(&offset);
        drop(entries);
        inode.meta.lock().nlink = 0;
        self.changed(-(DIRENT_SIZE as i64));
        // The queue itself is freed with the last open file (drop order).
        drop(inode);
        Ok(())
    }

    /// An entry came or went: size and times change, as on Linux.
    fn changed(&self, size_delta: i64) {
        let now = hooks::now();
        let mut meta = self.meta.lock();
        meta.size = meta.size.saturating_add_signed(size_delta);
        meta.mtime = now;
        meta.ctime = now;
        meta.atime = now;
    }
}

impl Inode for QueueDir {
    fn ino(&self) -> u64 {
        self.meta.lock().ino
    }

    fn metadata(&self) -> Metadata {
        *self.meta.lock()
    }

    fn set_attr(&self, attr: &SetAttr) -> KResult<()> {
        apply_attr(&self.meta, attr);
        Ok(())
    }

    fn lookup(&self, name: &[u8]) -> KResult<Arc<dyn Inode>> {
        if name == b".." {
            return Ok(instance().root.clone());
        }
        if name.len() > NAME_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let entries = self.entries.lock();
        let (_, inode) = entries.by_name.get(name).ok_or(Errno::ENOENT)?;
        Ok(inode.clone())
    }

    /// `open(O_CREAT)` in a mounted mqueue: a queue with the default sizes.
    /// The creator is charged as an unprivileged user with the default
    /// RLIMIT_MSGQUEUE unless it is root (the VFS passes no more).
    fn create(&self, name: &[u8], node: NewNode<'_>, perm: u32, uid: u32, gid: u32) -> KResult<Arc<dyn Inode>> {
        if node != NewNode::Regular {
            return Err(Errno::EPERM);
        }
        let groups = [gid];
        let req = OpenRequest {
            name,
            flags: OpenFlags::CREAT | OpenFlags::EXCL,
            perm,
            attr: None,
            cred: Cred { uid, gid, groups: &groups },
            creator: Creator { uid, privileged: uid == 0, rlimit_bytes: 819_200 },
        };
        Ok(open(&req)?)
    }

    fn unlink(&self, name: &[u8]) -> KResult<()> {
        self.remove(name, None)
    }

    /// Linux's mqueue directory has no link or rename operation: EPERM.
    fn link(&self, _name: &[u8], _target: &Arc<dyn Inode>) -> KResult<()> {
        Err(Errno::EPERM)
    }

    fn rename(&self, _old: &[u8], _new_dir: &Arc<dyn Inode>, _new: &[u8], _noreplace: bool) -> KResult<()> {
        Err(Errno::EPERM)
    }

    fn rmdir(&self, name: &[u8]) -> KResult<()> {
        let entries = self.entries.lock();
        if entries.by_name.contains_key(name) { Err(Errno::ENOTDIR) } else { Err(Errno::ENOENT) }
    }

    fn read_dir(&self, offset: u64) -> KResult<Option<DirEntry>> {
        let ino = self.ino();
        match offset {
            0 => return Ok(Some(DirEntry { ino, file_type: FileType::Directory, name: b".".to_vec(), next_offset: 1 })),
            1 => return Ok(Some(DirEntry { ino, file_type: FileType::Directory, name: b"..".to_vec(), next_offset: 2 })),
            _ => {}
        }
        let entries = self.entries.lock();
        let Some((&at, name)) = entries.by_offset.range(offset..).next() else { return Ok(None) };
        let ino = entries.by_name.get(name).map_or(0, |(_, inode)| inode.ino());
        Ok(Some(DirEntry { ino, file_type: FileType::Regular, name: name.clone(), next_offset: at + 1 }))
    }
}

impl Inode for QueueInode {
    fn ino(&self) -> u64 {
        self.meta.lock().ino
    }

    fn metadata(&self) -> Metadata {
        *self.meta.lock()
    }

    fn set_attr(&self, attr: &SetAttr) -> KResult<()> {
        apply_attr(&self.meta, attr);
        Ok(())
    }

    fn mappable(&self) -> bool {
        false
    }

    fn open(&self, _flags: OpenFlags) -> KResult<Option<Arc<dyn FileOps>>> {
        Ok(Some(self.queue.clone()))
    }
}

fn apply_attr(meta: &SpinLock<Metadata>, attr: &SetAttr) {
    let now = hooks::now();
    let mut m = meta.lock();
    if let Some(mode) = attr.mode {
        m.mode = (m.mode & !crate::types::PERM_MASK) | (mode & crate::types::PERM_MASK);
    }
    if let Some(uid) = attr.uid {
        m.uid = uid;
    }
    if let Some(gid) = attr.gid {
        m.gid = gid;
    }
    let apply = |slot: &mut crate::types::Timespec, change: TimeChange| match change {
        TimeChange::Omit => {}
        TimeChange::Now => *slot = now,
        TimeChange::Set(t) => *slot = t,
    };
    apply(&mut m.atime, attr.atime);
    apply(&mut m.mtime, attr.mtime);
    m.ctime = now;
}

/// The queue behind an open file, if it is one (EBADF otherwise, as
/// Linux checks `f_op`).
pub fn queue_of(ops: &Arc<dyn FileOps>) -> KResult<&MessageQueue> {
    ops.as_any().and_then(|a: &dyn Any| a.downcast_ref::<MessageQueue>()).ok_or(Errno::EBADF)
}

#[cfg(test)]
mod test;
