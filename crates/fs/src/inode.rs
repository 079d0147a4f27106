//! The [`Inode`] and [`FileSystem`] traits: what every file system offers the
//! VFS.
//!
//! Division of labour: the VFS (`namei`, `vfs`) resolves paths, checks
//! permissions, sticky bits, mount boundaries and the `.`/`..` rules, and
//! calls an inode only with a single, validated name (never empty, `.` or
//! `..`, at most 255 bytes, no `/`). The inode checks what only it can know
//! atomically: existence (ENOENT/EEXIST), emptiness (ENOTEMPTY) and the type
//! rules of `rename`.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

use abi::{Errno, KResult};

use crate::file::FileOps;
use crate::flags::OpenFlags;
use crate::types::{DevId, FileType, Metadata, SetAttr};

/// What `create` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewNode<'a> {
    /// An empty regular file.
    Regular,
    /// An empty directory.
    Directory,
    /// A symbolic link with this target.
    Symlink(&'a [u8]),
    /// A character device node.
    CharDevice(DevId),
    /// A block device node.
    BlockDevice(DevId),
    /// A named pipe.
    Fifo,
    /// A socket node (a name only; nothing can connect to it yet).
    Socket,
}

impl NewNode<'_> {
    /// The file type of the node this creates.
    pub fn file_type(&self) -> FileType {
        match self {
            NewNode::Regular => FileType::Regular,
            NewNode::Directory => FileType::Directory,
            NewNode::Symlink(_) => FileType::Symlink,
            NewNode::CharDevice(_) => FileType::CharDevice,
            NewNode::BlockDevice(_) => FileType::BlockDevice,
            NewNode::Fifo => FileType::Fifo,
            NewNode::Socket => FileType::Socket,
        }
    }
}

/// One directory entry as `read_dir` returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// Inode number.
    pub ino: u64,
    /// Type of the entry.
    pub file_type: FileType,
    /// The name (no `/`, not empty).
    pub name: Vec<u8>,
    /// The offset at which to continue to get the entry after this one
    /// (`d_off` of `linux_dirent64`, the value `lseek` accepts).
    pub next_offset: u64,
}

/// An inode: a file, directory, symlink, device node or fifo of some file
/// system. Methods that do not apply to the inode's type keep their default,
/// which fails with the errno Linux gives for that misuse.
///
/// Implementations are shared (`Arc<dyn Inode>`) and must do their own
/// locking; the VFS holds no lock while calling them.
pub trait Inode: Any + Send + Sync {
    /// The inode number (cheap; used for identity within one file system).
    fn ino(&self) -> u64;

    /// Current attributes.
    fn metadata(&self) -> Metadata;

    /// Applies attribute changes (already permission-checked) and updates ctime.
    fn set_attr(&self, _attr: &SetAttr) -> KResult<()> {
        Err(Errno::EPERM)
    }

    /// Reads file data at `offset`; returns the count (0 at or past the end).
    /// For mmap and exec the memory manager reads page by page through this.
    fn read_at(&self, _offset: u64, _buf: &mut [u8]) -> KResult<usize> {
        Err(self.not_a_file())
    }

    /// Writes file data at `offset`, extending the file (holes read as zeros).
    fn write_at(&self, _offset: u64, _buf: &[u8]) -> KResult<usize> {
        Err(self.not_a_file())
    }

    /// Appends atomically at the current end; returns the offset written at
    /// and the count. The default is not atomic against other appenders;
    /// file systems with their own data lock override it.
    fn append(&self, buf: &[u8]) -> KResult<(u64, usize)> {
        let at = self.metadata().size;
        Ok((at, self.write_at(at, buf)?))
    }

    /// Sets the size, dropping data past it or adding zeros. Called with no
    /// spin lock held (a page cache unmaps pages past the new end from the
    /// address spaces that map them).
    fn truncate(&self, _size: u64) -> KResult<()> {
        Err(self.not_a_file())
    }

    /// The page cache holding the file's data, if the data lives in one:
    /// `MAP_SHARED` mappings map its frames, so they and
    /// `read_at`/`write_at` see the same bytes. `None` (the default): shared
    /// mappings of the file can only be read-only private copies.
    fn page_cache(&self) -> Option<Arc<mm::FilePages>> {
        None
    }

    /// Whether mmap may map this regular file. Generated files (/proc,
    /// /sys) may not: Linux's have no mmap operation (ENODEV).
    fn mappable(&self) -> bool {
        true
    }

    /// Finds `name` in this directory (`..` must be handled: the parent, or
    /// the directory itself at the file system's root).
    fn lookup(&self, _name: &[u8]) -> KResult<Arc<dyn Inode>> {
        Err(Errno::ENOTDIR)
    }

    /// Creates `name` (EEXIST if it exists) with permission bits `perm` and
    /// owner `uid`/`gid`.
    fn create(
        &self,
        _name: &[u8],
        _node: NewNode<'_>,
        _perm: u32,
        _uid: u32,
        _gid: u32,
    ) -> KResult<Arc<dyn Inode>> {
        Err(Errno::ENOTDIR)
    }

    /// Adds a hard link `name` to `target` (EXDEV if `target` belongs to
    /// another file system instance).
    fn link(&self, _name: &[u8], _target: &Arc<dyn Inode>) -> KResult<()> {
        Err(Errno::ENOTDIR)
    }

    /// Removes the non-directory `name` (EISDIR if it is a directory).
    fn unlink(&self, _name: &[u8]) -> KResult<()> {
        Err(Errno::ENOTDIR)
    }

    /// Removes the empty directory `name` (ENOTDIR, ENOTEMPTY).
    fn rmdir(&self, _name: &[u8]) -> KResult<()> {
        Err(Errno::ENOTDIR)
    }

    /// Moves `old` in this directory to `new` in `new_dir` (same file
    /// system), replacing a compatible `new` atomically: a directory only
    /// replaces an empty directory (ENOTEMPTY, ENOTDIR), a non-directory only
    /// a non-directory (EISDIR); EINVAL if `new_dir` is inside `old`; a no-op
    /// if both names are links to one inode. `noreplace`: EEXIST if `new` exists.
    fn rename(
        &self,
        _old: &[u8],
        _new_dir: &Arc<dyn Inode>,
        _new: &[u8],
        _noreplace: bool,
    ) -> KResult<()> {
        Err(Errno::ENOTDIR)
    }

    /// The entry at `offset` or the first one after it; `None` at the end.
    /// Offsets 0 and 1 are `.` and `..`; offsets stay valid while entries
    /// are added and removed (an entry is never reported twice).
    fn read_dir(&self, _offset: u64) -> KResult<Option<DirEntry>> {
        Err(Errno::ENOTDIR)
    }

    /// The target of a symbolic link.
    fn read_link(&self) -> KResult<Vec<u8>> {
        Err(Errno::EINVAL)
    }

    /// File operations for opening this inode, for inodes that are not plain
    /// data or directories (fifos, synthetic files); `None` means "use the
    /// generic ones over `read_at`/`write_at`/`read_dir`". Device nodes are
    /// opened through the device registry instead.
    fn open(&self, _flags: OpenFlags) -> KResult<Option<Arc<dyn FileOps>>> {
        Ok(None)
    }

    /// The errno for a data operation on a non-file: EISDIR for directories,
    /// EINVAL otherwise.
    #[doc(hidden)]
    fn not_a_file(&self) -> Errno {
        if self.metadata().is_dir() {
            Errno::EISDIR
        } else {
            Errno::EINVAL
        }
    }
}

impl dyn Inode {
    /// This inode as `Any`, to downcast to a file system's own inode type.
    pub fn as_any(&self) -> &dyn Any {
        self
    }

    /// The owning `Arc` as `Arc<dyn Any>`, for `Arc::downcast`.
    pub fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    /// The file type (from the metadata).
    pub fn file_type(&self) -> FileType {
        self.metadata().file_type()
    }
}

/// Statistics of a file system instance (`statfs(2)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct StatFs {
    /// Magic number of the type (`RAMFS_MAGIC`, `TMPFS_MAGIC`, ...).
    pub fs_type: u64,
    /// Block size.
    pub block_size: u64,
    /// Total blocks (0: unknown/unbounded, as ramfs reports).
    pub blocks: u64,
    /// Free blocks.
    pub blocks_free: u64,
    /// Total inodes.
    pub files: u64,
    /// Free inodes.
    pub files_free: u64,
    /// Maximum name length.
    pub name_max: u64,
}

/// A mounted (or mountable) file system instance.
pub trait FileSystem: Send + Sync {
    /// The root directory.
    fn root(&self) -> Arc<dyn Inode>;
    /// The type name shown in `/proc/mounts` ("ramfs", "tmpfs", "proc").
    fn fs_type(&self) -> &str;
    /// The instance's device number (`st_dev` of its inodes).
    fn dev(&self) -> DevId;
    /// `statfs` data.
    fn statfs(&self) -> StatFs;
    /// Applies a remount's option string (`mount -o remount,size=...`).
    /// File systems without options of their own accept and ignore it.
    fn reconfigure(&self, _options: &[u8]) -> KResult<()> {
        Ok(())
    }
}

/// An inode that is only its metadata: what `fstat` reports for files that
/// live in no file system (pipes, sockets, anonymous inodes).
pub(crate) struct MetaInode {
    pub(crate) meta: Metadata,
}

impl Inode for MetaInode {
    fn ino(&self) -> u64 {
        self.meta.ino
    }
    fn metadata(&self) -> Metadata {
        self.meta
    }
}
