//! Open file descriptions: [`OpenFile`] and the [`FileOps`] it dispatches to.
//!
//! An `OpenFile` is what `open`, `pipe` and `dup` share: the file
//! operations, the inode (for `fstat`), where it was opened (for `openat`
//! and `/proc/<pid>/fd`), the status flags and the offset. File descriptors
//! are `Arc<OpenFile>`s in an `FdTable`; fork and dup share the description.
//!
//! # Blocking protocol
//! Every operation that can wait is a `poll_*` method: it returns
//! `Poll::Ready` with the result, or registers `cx.waker()` with the object
//! it waits on and returns `Poll::Pending`. With `O_NONBLOCK` it returns
//! `Ready(Err(EAGAIN))` instead. The syscall layer awaits these through
//! `poll_fn` ([`OpenFile::read`], [`OpenFile::write`]) and drops the future
//! when a signal interrupts the wait: no fs state depends on a pending call
//! being completed.
//!
//! Locks: `pos` is taken before any lock of the file's own objects (inode
//! data locks). Lock order: `OpenFile::pos` -> inode locks.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::poll_fn;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use core::task::{Context, Poll};

use abi::linux as l;
use abi::{Errno, KResult};
use ksync::{SpinLock, SpinLockGuard};

use crate::flags::{OpenFlags, PollEvents};
use crate::inode::Inode;
use crate::location::Location;
use crate::types::{FileType, Metadata};
use crate::user::UserMemory;

/// The operations behind an open file. Implemented by regular files and
/// directories (generically, over the [`Inode`]), pipes, ttys, devices and
/// synthetic files. Access-mode checks (EBADF) are done by [`OpenFile`]
/// before these are called.
pub trait FileOps: Send + Sync {
    /// Reads at the file's position (or from the stream); `Ready(Ok(0))` is
    /// end of file.
    fn poll_read(
        &self,
        file: &OpenFile,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<KResult<usize>>;

    /// Writes at the file's position (or to the stream). May write less than
    /// `buf.len()`; the caller retries with the rest if it wants all written.
    fn poll_write(&self, file: &OpenFile, cx: &mut Context<'_>, buf: &[u8])
    -> Poll<KResult<usize>>;

    /// Whether one accepted write is the whole call (eventfd takes its
    /// first 8 bytes and returns 8), rather than a part of a stream the
    /// caller writes on with the rest of the buffer.
    fn writes_records(&self) -> bool {
        false
    }

    /// Whether reads and writes never touch the caller's buffer (Linux's
    /// `/dev/null`: a read is end of file and a write takes every byte, so
    /// an unmapped buffer is no EFAULT).
    fn ignores_buffer(&self) -> bool {
        false
    }

    /// `pread`: reads at `offset` without moving the position (ESPIPE on streams).
    fn read_at(&self, _file: &OpenFile, _offset: u64, _buf: &mut [u8]) -> KResult<usize> {
        Err(Errno::ESPIPE)
    }

    /// `pwrite`: writes at `offset` without moving the position (ESPIPE on streams).
    fn write_at(&self, _file: &OpenFile, _offset: u64, _buf: &[u8]) -> KResult<usize> {
        Err(Errno::ESPIPE)
    }

    /// `lseek` (ESPIPE on streams); see [`seek_position`].
    fn seek(&self, _file: &OpenFile, _offset: i64, _whence: u32) -> KResult<u64> {
        Err(Errno::ESPIPE)
    }

    /// Current readiness (`POLLIN`, `POLLOUT`, `POLLHUP`, `POLLERR`...). When
    /// `cx` is given, also registers its waker to be woken on any change.
    /// This is the one readiness mechanism: poll, select, epoll and
    /// blocking reads and writes all subscribe through it.
    fn poll_ready(&self, _file: &OpenFile, _cx: Option<&mut Context<'_>>) -> PollEvents {
        PollEvents::READABLE | PollEvents::WRITABLE
    }

    /// Whether the file reports real readiness changes (wakes the wakers
    /// `poll_ready` registers). epoll refuses files that do not, with
    /// EPERM, as Linux refuses files without a `poll` operation (regular
    /// files, directories, most devices); poll and select report them
    /// always ready.
    fn can_poll(&self) -> bool {
        false
    }

    /// The epoll instance behind an epoll file (to find loops and depth
    /// when epoll files are nested).
    fn as_epoll(&self) -> Option<&crate::event::epoll::Epoll> {
        None
    }

    /// The operations as `Any`, for the system calls that take only one
    /// kind of file (signalfd4 on a signalfd, pidfd_send_signal).
    fn as_any(&self) -> Option<&dyn core::any::Any> {
        None
    }

    /// Device-specific `ioctl`. `user` reaches pointer arguments.
    fn ioctl(
        &self,
        _file: &OpenFile,
        _cmd: u32,
        _arg: usize,
        _user: &dyn UserMemory,
    ) -> KResult<usize> {
        Err(Errno::ENOTTY)
    }

    /// `getdents64` into `buf` (ENOTDIR for non-directories).
    fn getdents(&self, _file: &OpenFile, _buf: &mut [u8]) -> KResult<usize> {
        Err(Errno::ENOTDIR)
    }

    /// Waits until the open may complete (a fifo opened for reading waits for
    /// a writer). The syscall layer awaits this before installing the fd.
    fn poll_open(&self, _file: &OpenFile, _cx: &mut Context<'_>) -> Poll<KResult<()>> {
        Poll::Ready(Ok(()))
    }

    /// The description is going away (last reference dropped).
    fn release(&self, _file: &OpenFile) {}
}

/// An open file description.
pub struct OpenFile {
    ops: Arc<dyn FileOps>,
    inode: Arc<dyn Inode>,
    /// Where the file was opened; `None` for anonymous files (pipes).
    location: Option<Location>,
    /// How `/proc/<pid>/fd` names the file.
    name: FileName,
    /// Access mode and status flags (`F_GETFL`).
    flags: AtomicU32,
    /// File position. Lock order: before inode locks.
    pos: SpinLock<u64>,
    /// The epoll items watching this description.
    watchers: crate::event::epoll::Watchers,
}

/// How an open file is named in `/proc/<pid>/fd`.
enum FileName {
    /// By its location (directories find their own path).
    Location,
    /// By the directory entry it was opened through (non-directories know
    /// no parent; later renames are not followed).
    Entry(Location, Vec<u8>),
    /// A fixed name (`"pipe:[123]"`).
    Anon(Vec<u8>),
}

/// Open file descriptions in the whole system (`fs.file-nr`).
static OPEN_FILES: AtomicUsize = AtomicUsize::new(0);
/// `fs.file-max`: unprivileged callers get ENFILE at this many (Linux's
/// `files_stat.max_files`; the kernel sets it from memory at boot).
static FILE_MAX: AtomicUsize = AtomicUsize::new(usize::MAX);

/// `fs.nr_open`: the most descriptors one process may have, and so the
/// ceiling of RLIMIT_NOFILE (Linux's default: 1 MiB).
static NR_OPEN: AtomicUsize = AtomicUsize::new(1 << 20);
/// Linux's bounds for `fs.nr_open`: BITS_PER_LONG, and INT_MAX rounded
/// down to a multiple of BITS_PER_LONG.
pub const NR_OPEN_MIN: usize = 64;
pub const NR_OPEN_MAX: usize = i32::MAX as usize & !63;

pub fn nr_open() -> usize {
    NR_OPEN.load(Ordering::Relaxed)
}

/// Sets `fs.nr_open`: EINVAL outside `NR_OPEN_MIN..=NR_OPEN_MAX`.
pub fn set_nr_open(n: u64) -> KResult<()> {
    let n = usize::try_from(n).ok().filter(|n| (NR_OPEN_MIN..=NR_OPEN_MAX).contains(n)).ok_or(Errno::EINVAL)?;
    NR_OPEN.store(n, Ordering::Relaxed);
    Ok(())
}

/// Open file descriptions now.
pub fn open_files() -> usize {
    OPEN_FILES.load(Ordering::Relaxed)
}

pub fn file_max() -> usize {
    FILE_MAX.load(Ordering::Relaxed)
}

pub fn set_file_max(max: usize) {
    FILE_MAX.store(max, Ordering::Relaxed);
}

/// Whether a new open file description may be made: ENFILE at
/// `fs.file-max`, unless the caller is privileged (Linux's
/// `alloc_empty_file` exempts CAP_SYS_ADMIN).
pub fn may_open_another(privileged: bool) -> KResult<()> {
    if !privileged && open_files() >= file_max() {
        return Err(Errno::ENFILE);
    }
    Ok(())
}

impl OpenFile {
    /// A description of a file opened by path.
    pub fn new(ops: Arc<dyn FileOps>, location: Location, flags: OpenFlags) -> Arc<OpenFile> {
        Self::new_at(ops, location, None, flags)
    }

    /// A description of a file opened by path through the directory entry
    /// `entry` (directory, name), which names it in [`OpenFile::path`].
    pub fn new_at(
        ops: Arc<dyn FileOps>,
        location: Location,
        entry: Option<crate::namei::NamedEntry>,
        flags: OpenFlags,
    ) -> Arc<OpenFile> {
        let inode = location.inode().clone();
        let name = match entry {
            Some((dir, name)) => FileName::Entry(dir, name),
            None => FileName::Location,
        };
        Self::build(ops, inode, Some(location), name, flags)
    }

    /// A description of an anonymous file (pipe ends): `name` is what
    /// `/proc/<pid>/fd` shows.
    pub fn new_anon(
        ops: Arc<dyn FileOps>,
        inode: Arc<dyn Inode>,
        flags: OpenFlags,
        name: Vec<u8>,
    ) -> Arc<OpenFile> {
        Self::build(ops, inode, None, FileName::Anon(name), flags)
    }

    fn build(
        ops: Arc<dyn FileOps>,
        inode: Arc<dyn Inode>,
        location: Option<Location>,
        name: FileName,
        flags: OpenFlags,
    ) -> Arc<OpenFile> {
        let kept = flags - OpenFlags::OPEN_ONLY;
        OPEN_FILES.fetch_add(1, Ordering::Relaxed);
        Arc::new(OpenFile {
            ops,
            inode,
            location,
            name,
            flags: AtomicU32::new(kept.bits()),
            pos: SpinLock::new(0),
            watchers: crate::event::epoll::Watchers::new(),
        })
    }

    /// Reads (see [`FileOps::poll_read`]); EBADF unless opened for reading.
    pub fn poll_read(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<KResult<usize>> {
        if !self.flags().readable() {
            return Poll::Ready(Err(Errno::EBADF));
        }
        self.ops.poll_read(self, cx, buf)
    }

    /// Writes (see [`FileOps::poll_write`]); EBADF unless opened for writing.
    pub fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<KResult<usize>> {
        if !self.flags().writable() {
            return Poll::Ready(Err(Errno::EBADF));
        }
        self.ops.poll_write(self, cx, buf)
    }

    /// See [`FileOps::writes_records`].
    pub fn writes_records(&self) -> bool {
        self.ops.writes_records()
    }

    /// See [`FileOps::ignores_buffer`].
    pub fn ignores_buffer(&self) -> bool {
        self.ops.ignores_buffer()
    }

    /// `read(2)` as a future.
    pub async fn read(&self, buf: &mut [u8]) -> KResult<usize> {
        poll_fn(|cx| self.poll_read(cx, buf)).await
    }

    /// `write(2)` as a future (one `poll_write`: may be partial).
    pub async fn write(&self, buf: &[u8]) -> KResult<usize> {
        poll_fn(|cx| self.poll_write(cx, buf)).await
    }

    /// Waits for the open to complete (see [`FileOps::poll_open`]).
    pub async fn wait_opened(&self) -> KResult<()> {
        poll_fn(|cx| self.ops.poll_open(self, cx)).await
    }

    /// `pread64`: EINVAL for a negative offset, ESPIPE on streams.
    pub fn pread(&self, offset: i64, buf: &mut [u8]) -> KResult<usize> {
        if !self.flags().readable() {
            return Err(Errno::EBADF);
        }
        let offset = u64::try_from(offset).map_err(|_| Errno::EINVAL)?;
        self.ops.read_at(self, offset, buf)
    }

    /// `pwrite64`: EINVAL for a negative offset, ESPIPE on streams. Like
    /// Linux, writes at the end when the file has `O_APPEND`.
    pub fn pwrite(&self, offset: i64, buf: &[u8]) -> KResult<usize> {
        if !self.flags().writable() {
            return Err(Errno::EBADF);
        }
        let offset = u64::try_from(offset).map_err(|_| Errno::EINVAL)?;
        self.ops.write_at(self, offset, buf)
    }

    /// `lseek`: returns the new position.
    pub fn seek(&self, offset: i64, whence: u32) -> KResult<u64> {
        if self.flags().contains(OpenFlags::PATH) {
            return Err(Errno::EBADF);
        }
        self.ops.seek(self, offset, whence)
    }

    /// Readiness for poll/select (see [`FileOps::poll_ready`]).
    pub fn poll_ready(&self, cx: Option<&mut Context<'_>>) -> PollEvents {
        if self.flags().contains(OpenFlags::PATH) {
            return PollEvents::NVAL;
        }
        self.ops.poll_ready(self, cx)
    }

    /// `ioctl`: `FIONBIO` and, for regular files, `FIONREAD` are handled
    /// here; everything else goes to the file's operations. (`FIOCLEX` and
    /// `FIONCLEX` concern the fd, not the description: the syscall layer.)
    pub fn ioctl(&self, cmd: u32, arg: usize, user: &dyn UserMemory) -> KResult<usize> {
        if self.flags().contains(OpenFlags::PATH) {
            return Err(Errno::EBADF);
        }
        match cmd {
            abi::ioctl::FIONBIO => {
                let on = user.read_i32(arg)? != 0;
                let mut f = self.flags();
                f.set(OpenFlags::NONBLOCK, on);
                self.flags.store(f.bits(), Ordering::Relaxed);
                Ok(0)
            }
            abi::ioctl::FIONREAD if self.inode.file_type() == FileType::Regular => {
                let avail = self.inode.metadata().size.saturating_sub(*self.pos.lock());
                user.write_i32(arg, avail.min(i32::MAX as u64) as i32)?;
                Ok(0)
            }
            _ => self.ops.ioctl(self, cmd, arg, user),
        }
    }

    /// `getdents64` into `buf`: returns the bytes filled, 0 at the end,
    /// EINVAL if `buf` cannot hold the next entry.
    pub fn getdents64(&self, buf: &mut [u8]) -> KResult<usize> {
        if self.flags().contains(OpenFlags::PATH) {
            return Err(Errno::EBADF);
        }
        self.ops.getdents(self, buf)
    }

    /// `fstat`.
    pub fn metadata(&self) -> Metadata {
        self.inode.metadata()
    }

    /// `ftruncate`: EINVAL unless a regular file opened for writing.
    pub fn truncate(&self, len: i64) -> KResult<()> {
        let len = u64::try_from(len).map_err(|_| Errno::EINVAL)?;
        if !self.flags().writable() || self.inode.file_type() != FileType::Regular {
            return Err(Errno::EINVAL);
        }
        self.inode.truncate(len)
    }

    /// The access mode and status flags (`F_GETFL`).
    pub fn flags(&self) -> OpenFlags {
        OpenFlags::from_bits_retain(self.flags.load(Ordering::Relaxed))
    }

    /// `F_SETFL`: changes `O_APPEND`, `O_NONBLOCK`, `O_ASYNC`, `O_DIRECT`,
    /// `O_NOATIME`; other bits of `flags` are ignored.
    pub fn set_status_flags(&self, flags: OpenFlags) {
        let _ = self
            .flags
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| {
                let old = OpenFlags::from_bits_retain(old);
                Some(((old - OpenFlags::SETFL_MASK) | (flags & OpenFlags::SETFL_MASK)).bits())
            });
    }

    /// Whether operations must not wait (`O_NONBLOCK`).
    pub fn is_nonblocking(&self) -> bool {
        self.flags().contains(OpenFlags::NONBLOCK)
    }

    /// The epoll items watching this description.
    pub fn watchers(&self) -> &crate::event::epoll::Watchers {
        &self.watchers
    }

    /// The file position, locked (for `FileOps` implementations).
    /// Lock order: before inode locks.
    pub fn pos(&self) -> SpinLockGuard<'_, u64> {
        self.pos.lock()
    }

    /// Whether someone holds the position lock (tests).
    #[cfg(test)]
    pub(crate) fn pos_is_locked(&self) -> bool {
        self.pos.is_locked()
    }

    /// The inode (`fstat`, mmap, exec).
    pub fn inode(&self) -> &Arc<dyn Inode> {
        &self.inode
    }

    /// Where the file was opened (`None` for pipes): the start of `openat`
    /// resolution for a directory fd, `fchdir`.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The file operations.
    pub fn ops(&self) -> &Arc<dyn FileOps> {
        &self.ops
    }

    /// What readlink of `/proc/<pid>/fd/N` shows: the absolute path as seen
    /// from `root` (with " (deleted)" if it was removed), or the anonymous
    /// name (`"pipe:[123]"`).
    pub fn path(&self, root: &Location) -> Vec<u8> {
        let deleted = |mut p: Vec<u8>| {
            if self.inode.metadata().nlink == 0 {
                p.extend_from_slice(b" (deleted)");
            }
            p
        };
        if let Some(loc) = &self.location
            && self.inode.file_type() == FileType::Directory
            && let Ok(p) = loc.absolute_path(root)
        {
            return p;
        }
        match (&self.name, &self.location) {
            (FileName::Anon(name), _) => name.clone(),
            (FileName::Entry(dir, name), _) => {
                let mut p = dir.absolute_path(root).unwrap_or_else(|_| b"?".to_vec());
                if p != b"/" {
                    p.push(b'/');
                }
                p.extend_from_slice(name);
                deleted(p)
            }
            (FileName::Location, Some(loc)) => loc
                .absolute_path(root)
                .unwrap_or_else(|_| deleted(b"?".to_vec())),
            (FileName::Location, None) => b"anon_inode:[unknown]".to_vec(),
        }
    }
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        OPEN_FILES.fetch_sub(1, Ordering::Relaxed);
        // Out of every epoll interest list first (Linux's
        // eventpoll_release), then the file's own release.
        self.watchers.file_closed();
        self.ops.release(self);
    }
}

/// The new position for `lseek` on a file of `size` bytes at `cur`:
/// `SEEK_SET`/`SEEK_CUR`/`SEEK_END`, and `SEEK_DATA`/`SEEK_HOLE` treating the
/// whole file as data. EINVAL for a negative result or an unknown whence,
/// ENXIO for DATA/HOLE at or past the end.
pub fn seek_position(cur: u64, size: u64, offset: i64, whence: u32) -> KResult<u64> {
    let base = match whence {
        l::SEEK_SET => 0,
        l::SEEK_CUR => cur as i64,
        l::SEEK_END => size as i64,
        l::SEEK_DATA | l::SEEK_HOLE => {
            let off = u64::try_from(offset).map_err(|_| Errno::ENXIO)?;
            if off >= size {
                return Err(Errno::ENXIO);
            }
            return Ok(if whence == l::SEEK_DATA { off } else { size });
        }
        _ => return Err(Errno::EINVAL),
    };
    let new = base.checked_add(offset).ok_or(Errno::EOVERFLOW)?;
    u64::try_from(new).map_err(|_| Errno::EINVAL)
}
