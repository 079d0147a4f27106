//! Pipes and fifos: a bounded byte queue between writers and readers.
//!
//! - Capacity: 16 page-sized buffers (Linux's default), changed by
//!   `F_SETPIPE_SZ` to a power-of-two number of pages; an unprivileged
//!   caller may not grow it past `/proc/sys/fs/pipe-max-size` (EPERM), and
//!   it cannot shrink below the buffers in use (EBUSY). See [`ring`].
//! - Packet mode (`pipe2(O_DIRECT)`, or `O_DIRECT` set on the write end):
//!   each write of up to a page is one packet, each read returns at most
//!   one packet.
//! - Reads wait while the pipe is empty and a writer exists; with no
//!   writers they return 0 (end of file).
//! - Writes fail with EPIPE when no reader exists (the syscall layer raises
//!   SIGPIPE). A write of at most `PIPE_BUF` (4096) bytes is atomic: it
//!   waits until it fits entirely, so it is never interleaved with other
//!   writers. A larger write takes what fits and returns the partial count
//!   when it would otherwise have to wait; it waits only when nothing fits.
//! - `O_NONBLOCK`: `EAGAIN` instead of waiting.
//! - Readiness: `POLLIN` with data, `POLLOUT` with at least `PIPE_BUF` free,
//!   `POLLHUP` on a read end once no writer is left, `POLLERR` on a write
//!   end with no reader.
//!
//! Fifos (named pipes) share one [`Pipe`] per inode; opening follows Linux
//! `fifo_open`: a reader waits for a writer (unless `O_NONBLOCK`), a writer
//! waits for a reader (`O_NONBLOCK`: ENXIO), `O_RDWR` never waits.
//!
//! Locks: `Pipe::state` is a leaf; wakers are taken under it and woken after
//! it is released.

mod account;
mod ops;
mod ring;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicUsize, Ordering};
use alloc::vec::Vec;

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::file::{FileOps, OpenFile};
use crate::flags::OpenFlags;
use crate::hooks;
use crate::inode::{Inode, MetaInode};
use crate::types::{FileType, Metadata};
use crate::wait::WakerList;

pub use account::{set_user_pages_hard, set_user_pages_soft, user_pages_hard, user_pages_soft};
pub use ops::PipeOps;

/// Capacity of a new pipe in bytes.
pub const PIPE_CAPACITY: usize = 16 * ring::SLOT_BYTES;

/// `/proc/sys/fs/pipe-max-size`: how far an unprivileged `F_SETPIPE_SZ`
/// may grow a pipe, in bytes (Linux's default: 1 MiB).
static PIPE_MAX_SIZE: AtomicUsize = AtomicUsize::new(1 << 20);

pub fn pipe_max_size() -> usize {
    PIPE_MAX_SIZE.load(Ordering::Relaxed)
}

/// Sets `pipe-max-size`, rounded as `F_SETPIPE_SZ` rounds (EINVAL past 2 GiB).
pub fn set_pipe_max_size(size: u64) -> KResult<()> {
    PIPE_MAX_SIZE.store(round_pipe_size(size).ok_or(Errno::EINVAL)?, Ordering::Relaxed);
    Ok(())
}

/// Linux `round_pipe_size`: at least a page, a power of two, at most 2 GiB.
pub fn round_pipe_size(size: u64) -> Option<usize> {
    if size > 1 << 31 {
        return None;
    }
    usize::try_from(size.max(ring::SLOT_BYTES as u64).next_power_of_two()).ok()
}
/// Writes up to this size are atomic.
pub const PIPE_BUF: usize = abi::linux::PIPE_BUF as usize;

/// The shared part of a pipe or fifo.
pub struct Pipe {
    /// Lock order: before the accounting table's lock (`account`).
    state: SpinLock<PipeState>,
    /// The real uid its buffers are charged to (none for a fifo).
    charged_to: Option<u32>,
}

/// Who makes a pipe: the real uid it is charged to, and whether the
/// caller is exempt from the limits (Linux: CAP_SYS_RESOURCE or
/// CAP_SYS_ADMIN).
#[derive(Clone, Copy, Debug)]
pub struct PipeMaker {
    pub ruid: u32,
    pub privileged: bool,
}

struct PipeState {
    buf: ring::Ring,
    /// Open read ends.
    readers: usize,
    /// Open write ends.
    writers: usize,
    /// Opens for reading so far (Linux `r_counter`): a fifo writer waits for it to change.
    read_opens: u64,
    /// Opens for writing so far (Linux `w_counter`).
    write_opens: u64,
    /// Readers waiting for data, a writer, or readiness changes.
    read_waiters: WakerList,
    /// Writers waiting for space, a reader, or readiness changes.
    write_waiters: WakerList,
}

impl Default for Pipe {
    fn default() -> Self {
        Pipe::new()
    }
}

impl Pipe {
    /// An empty pipe with no ends.
    /// A pipe charged to `maker` (Linux alloc_pipe_info): 16 buffers, fewer
    /// when `pipe-max-size` is smaller and the maker unprivileged, 2 when
    /// the maker is over `pipe-user-pages-soft`; ENFILE over the hard limit.
    pub fn new_charged(maker: PipeMaker) -> KResult<Pipe> {
        let mut slots = PIPE_CAPACITY / ring::SLOT_BYTES;
        if PIPE_CAPACITY > pipe_max_size() && !maker.privileged {
            slots = pipe_max_size() / ring::SLOT_BYTES;
        }
        let mut total = account::recharge(maker.ruid, 0, slots);
        if account::over_soft(total) && !maker.privileged {
            total = account::recharge(maker.ruid, slots, MIN_SLOTS);
            slots = MIN_SLOTS;
        }
        if account::over_hard(total) && !maker.privileged {
            account::recharge(maker.ruid, slots, 0);
            return Err(Errno::ENFILE);
        }
        Ok(Pipe::with_slots(slots, Some(maker.ruid)))
    }

    pub fn new() -> Pipe {
        Pipe::with_slots(PIPE_CAPACITY / ring::SLOT_BYTES, None)
    }

    fn with_slots(slots: usize, charged_to: Option<u32>) -> Pipe {
        Pipe {
            charged_to,
            state: SpinLock::new(PipeState {
                buf: ring::Ring::new(slots),
                readers: 0,
                writers: 0,
                read_opens: 0,
                write_opens: 0,
                read_waiters: WakerList::new(),
                write_waiters: WakerList::new(),
            }),
        }
    }

    /// Opens an end (`read`/`write` say which sides it holds) and returns its
    /// file operations. Counts the end until the description is released.
    pub fn open_end(self: &Arc<Self>, read: bool, write: bool) -> Arc<PipeOps> {
        let mut st = self.state.lock();
        let mut wake = WakerList::new();
        if read {
            st.readers += 1;
            st.read_opens += 1;
            wake.append(st.write_waiters.take());
        }
        if write {
            st.writers += 1;
            st.write_opens += 1;
            wake.append(st.read_waiters.take());
        }
        let ops = Arc::new(PipeOps::new(
            self.clone(),
            read,
            write,
            st.read_opens,
            st.write_opens,
        ));
        drop(st);
        wake.wake_all();
        ops
    }

    /// Opens a fifo with `flags` (Linux `fifo_open`): ENXIO for a
    /// nonblocking write-only open without readers. Waiting for the other
    /// side happens in `poll_open`.
    pub fn open_fifo(self: &Arc<Self>, flags: OpenFlags) -> KResult<Arc<dyn FileOps>> {
        let (read, write) = (flags.readable(), flags.writable());
        if write && !read && flags.contains(OpenFlags::NONBLOCK) && self.state.lock().readers == 0 {
            return Err(Errno::ENXIO);
        }
        Ok(self.open_end(read, write))
    }

    /// Bytes queued.
    pub fn len(&self) -> usize {
        self.state.lock().buf.len()
    }

    /// Whether no bytes are queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Capacity in bytes (`F_GETPIPE_SZ`).
    pub fn size(&self) -> usize {
        self.state.lock().buf.capacity() * ring::SLOT_BYTES
    }

    /// `F_SETPIPE_SZ` (Linux `pipe_set_size`): EINVAL past 2 GiB, EPERM when
    /// an unprivileged caller grows the pipe past `pipe-max-size`, EBUSY
    /// when fewer buffers than are in use were asked for. Returns the new
    /// size in bytes.
    pub fn set_size(&self, size: u64, privileged: bool) -> KResult<usize> {
        let bytes = round_pipe_size(size).ok_or(Errno::EINVAL)?;
        let slots = bytes / ring::SLOT_BYTES;
        let mut st = self.state.lock();
        let old = st.buf.capacity();
        if slots > old && bytes > pipe_max_size() && !privileged {
            return Err(Errno::EPERM);
        }
        if let Some(uid) = self.charged_to {
            let total = account::recharge(uid, old, slots);
            let over = account::over_hard(total) || account::over_soft(total);
            if slots > old && over && !privileged {
                account::recharge(uid, slots, old);
                return Err(Errno::EPERM);
            }
        }
        if !st.buf.resize(slots) {
            if let Some(uid) = self.charged_to {
                account::recharge(uid, slots, old);
            }
            return Err(Errno::EBUSY);
        }
        // A bigger pipe may take a waiting writer's data now.
        let mut wake = st.write_waiters.take();
        drop(st);
        wake.wake_all();
        Ok(bytes)
    }

    /// Open (read ends, write ends).
    pub fn end_counts(&self) -> (usize, usize) {
        let st = self.state.lock();
        (st.readers, st.writers)
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        if let Some(uid) = self.charged_to {
            account::recharge(uid, self.state.get_mut().buf.capacity(), 0);
        }
    }
}

/// Buffers of a pipe made over the soft limit (Linux PIPE_MIN_DEF_BUFFERS).
const MIN_SLOTS: usize = 2;

/// `pipe2`: a new anonymous pipe charged to `maker`; returns the (read,
/// write) descriptions. ENFILE past `pipe-user-pages-hard`.
pub fn new_user_pipe(flags: OpenFlags, uid: u32, gid: u32, maker: PipeMaker) -> KResult<(Arc<OpenFile>, Arc<OpenFile>)> {
    Ok(pipe_files(Arc::new(Pipe::new_charged(maker)?), flags, uid, gid))
}

/// A new anonymous pipe charged to no one; returns the (read, write) descriptions.
/// Of `flags`, `O_NONBLOCK` is kept on both ends and `O_DIRECT` on the
/// write end, as Linux's create_pipe_files does (`O_CLOEXEC` belongs to
/// the fds).
pub fn new_pipe(flags: OpenFlags, uid: u32, gid: u32) -> (Arc<OpenFile>, Arc<OpenFile>) {
    pipe_files(Arc::new(Pipe::new()), flags, uid, gid)
}

/// The two ends of `pipe` as open files owned by `uid`/`gid`.
fn pipe_files(pipe: Arc<Pipe>, flags: OpenFlags, uid: u32, gid: u32) -> (Arc<OpenFile>, Arc<OpenFile>) {
    let ino = hooks::alloc_ino();
    let mut meta = Metadata::new(ino, FileType::Fifo, 0o600, uid, gid, hooks::now());
    meta.dev = pipe_dev();
    // What fstat reports of an anonymous pipe: a fifo.
    let inode: Arc<dyn Inode> = Arc::new(MetaInode { meta });
    let name = pipe_name(ino);
    let status = flags & OpenFlags::NONBLOCK;
    let r = OpenFile::new_anon(
        pipe.open_end(true, false),
        inode.clone(),
        status,
        name.clone(),
    );
    let w = OpenFile::new_anon(
        pipe.open_end(false, true),
        inode,
        status | (flags & OpenFlags::DIRECT) | OpenFlags::WRONLY,
        name,
    );
    (r, w)
}

/// The device of the pipe pseudo file system.
fn pipe_dev() -> crate::types::DevId {
    static DEV: ksync::Lazy<crate::types::DevId> = ksync::Lazy::new(hooks::alloc_anon_dev);
    *DEV
}

fn pipe_name(ino: u64) -> Vec<u8> {
    alloc::format!("pipe:[{ino}]").into_bytes()
}

#[cfg(test)]
mod test;
