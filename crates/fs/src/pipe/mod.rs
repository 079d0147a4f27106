//! Pipes and fifos: a bounded byte queue between writers and readers.
//!
//! - Capacity 64 KiB (Linux's default of 16 pages).
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

mod ops;

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::file::{FileOps, OpenFile};
use crate::flags::OpenFlags;
use crate::hooks;
use crate::inode::{Inode, MetaInode};
use crate::types::{FileType, Metadata};
use crate::wait::WakerList;

pub use ops::PipeOps;

/// Capacity of a pipe in bytes.
pub const PIPE_CAPACITY: usize = 16 * 4096;
/// Writes up to this size are atomic.
pub const PIPE_BUF: usize = abi::linux::PIPE_BUF as usize;

/// The shared part of a pipe or fifo.
pub struct Pipe {
    /// Lock order: leaf.
    state: SpinLock<PipeState>,
}

struct PipeState {
    buf: VecDeque<u8>,
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
    pub fn new() -> Pipe {
        Pipe {
            state: SpinLock::new(PipeState {
                buf: VecDeque::new(),
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

    /// Open (read ends, write ends).
    pub fn end_counts(&self) -> (usize, usize) {
        let st = self.state.lock();
        (st.readers, st.writers)
    }
}

/// `pipe2`: a new anonymous pipe; returns the (read, write) descriptions.
/// Of `flags`, only `O_NONBLOCK` is kept (`O_CLOEXEC` belongs to the fds).
pub fn new_pipe(flags: OpenFlags, uid: u32, gid: u32) -> (Arc<OpenFile>, Arc<OpenFile>) {
    let pipe = Arc::new(Pipe::new());
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
        status | OpenFlags::WRONLY,
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
