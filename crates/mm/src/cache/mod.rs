//! The page cache of one file: [`FilePages`], page index -> frame, plus
//! the file's size.
//!
//! For a memory file system (ramfs/tmpfs) the cache *is* the file's data:
//! `read()`/`write()` copy through these frames (`UserFrame::read`/`write`,
//! the direct map) and `MAP_SHARED` mappings map the very same frames, so
//! both see every change at once and nothing is ever written back. Holes
//! (pages below the size never written) read as zeros and take no frame
//! until written or faulted in by a mapping.
//!
//! Frames are `FrameKind::PageCache`. The cache holds one reference per
//! page; each page-table entry mapping it holds another, so a frame is
//! freed when the file drops it (truncate, file deleted and closed) *and*
//! no mapping maps it any more.
//!
//! Truncation follows Linux's `truncate_pagecache` (drop the pages, then
//! `unmap_mapping_range`): the pages past the new end leave the cache, then
//! every address space that maps the file loses its entries for them
//! (`rmap`), so the next touch faults and, past the end of the file, gets
//! SIGBUS. Private file mappings hold private copies and keep them.
//!
//! A file may belong to a [`PageQuota`] (tmpfs `size=`): each frame the
//! file holds is charged to it, and given back when the file drops it.
//!
//! # Locks
//! `state` (pages and size) is a leaf below the address-space lock: a fault
//! looks a page up and maps it under the address-space lock, which is what
//! makes truncation race-free (see `rmap`). No address space is called while
//! `state` or `mappers` is held. Copies under `state` touch only kernel
//! buffers, never user memory.

mod quota;
mod rmap;

pub use quota::PageQuota;

use alloc::collections::BTreeMap;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;

use abi::{Errno, KResult};
use ksync::SpinLock;

use crate::PAGE_SIZE;
use crate::fault::Fault;
use crate::frame::FrameKind;
use crate::page::UserFrame;
use crate::space::AddressSpace;

const PAGE: u64 = PAGE_SIZE as u64;

#[derive(Default)]
struct State {
    pages: BTreeMap<u64, UserFrame>,
    size: u64,
}

/// The pages and size of one file (see the module doc).
#[derive(Default)]
pub struct FilePages {
    state: SpinLock<State>,
    /// Address spaces that may map pages of this file (see `rmap`). Lock
    /// order: leaf, never held with `state`.
    mappers: SpinLock<Vec<Weak<AddressSpace>>>,
    /// Charged for every frame in `state.pages`; `None`: unlimited.
    quota: Option<Arc<PageQuota>>,
}

/// Splits a file position into (page index, offset in the page).
fn split(pos: u64) -> (u64, usize) {
    (pos / PAGE, (pos % PAGE) as usize)
}

impl FilePages {
    /// An empty file.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// An empty file whose frames count against `quota`.
    pub fn with_quota(quota: Option<Arc<PageQuota>>) -> Arc<Self> {
        Arc::new(Self {
            state: SpinLock::default(),
            mappers: SpinLock::default(),
            quota,
        })
    }

    /// A zeroed frame for a new page, if the quota and memory allow.
    fn new_frame(&self) -> Result<UserFrame, Fault> {
        if let Some(q) = &self.quota
            && !q.try_charge()
        {
            return Err(Fault::Bus);
        }
        UserFrame::alloc_zeroed(FrameKind::PageCache).ok_or_else(|| {
            self.uncharge(1);
            Fault::OutOfMemory
        })
    }

    fn uncharge(&self, frames: usize) {
        if let Some(q) = &self.quota {
            q.uncharge(frames);
        }
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.state.lock().size
    }

    /// Size in bytes and pages holding a frame (for `st_blocks`), read
    /// together.
    pub fn size_and_pages(&self) -> (u64, usize) {
        let st = self.state.lock();
        (st.size, st.pages.len())
    }

    /// Pages holding a frame.
    pub fn resident_pages(&self) -> usize {
        self.state.lock().pages.len()
    }

    /// Copies up to `buf.len()` bytes from `offset`; returns the count (0 at
    /// or past the end).
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> usize {
        let st = self.state.lock();
        if offset >= st.size {
            return 0;
        }
        let n = buf.len().min((st.size - offset) as usize);
        let mut done = 0;
        while done < n {
            let (index, in_page) = split(offset + done as u64);
            let len = (PAGE_SIZE - in_page).min(n - done);
            let dst = &mut buf[done..done + len];
            match st.pages.get(&index) {
                Some(frame) => frame.read(in_page, dst),
                None => dst.fill(0),
            }
            done += len;
        }
        n
    }

    /// Writes `buf` at `offset`, growing the file. Returns the count, which
    /// is short only when the quota or memory ran out after some bytes were
    /// written (when none were: ENOSPC for the quota, as a full tmpfs, and
    /// ENOMEM for memory).
    pub fn write_at(&self, offset: u64, buf: &[u8]) -> KResult<usize> {
        self.write_locked(&mut self.state.lock(), offset, buf)
    }

    /// Appends `buf` atomically at the end; returns the offset written at
    /// and the count.
    pub fn append(&self, buf: &[u8]) -> KResult<(u64, usize)> {
        let mut st = self.state.lock();
        let at = st.size;
        self.write_locked(&mut st, at, buf).map(|n| (at, n))
    }

    fn write_locked(&self, st: &mut State, offset: u64, buf: &[u8]) -> KResult<usize> {
        offset.checked_add(buf.len() as u64).ok_or(Errno::EFBIG)?;
        let mut done = 0;
        let mut stopped = None;
        while done < buf.len() {
            let (index, in_page) = split(offset + done as u64);
            let len = (PAGE_SIZE - in_page).min(buf.len() - done);
            let frame = match st.pages.get(&index) {
                Some(frame) => frame,
                None => match self.new_frame() {
                    Ok(frame) => st.pages.entry(index).or_insert(frame),
                    Err(why) => {
                        stopped = Some(why);
                        break;
                    }
                },
            };
            frame.write(in_page, &buf[done..done + len]);
            done += len;
        }
        if done == 0
            && let Some(why) = stopped
        {
            // The quota spent is a full file system; no frame is no memory.
            return Err(if why == Fault::Bus { Errno::ENOSPC } else { Errno::ENOMEM });
        }
        st.size = st.size.max(offset + done as u64);
        Ok(done)
    }

    /// Sets the size. Shrinking drops the pages past the new end, zeros the
    /// tail of a partial last page (so growing again reads zeros) and
    /// removes the dropped pages from every mapping of the file (the
    /// caller must hold no spin lock: this calls into address spaces).
    pub fn truncate(&self, size: u64) {
        let first_gone = {
            let mut st = self.state.lock();
            let old = st.size;
            st.size = size;
            if size >= old {
                return;
            }
            let first_gone = size.div_ceil(PAGE);
            // Dropped after the lock: a frame whose last reference goes
            // takes the frame allocator's lock.
            let gone = st.pages.split_off(&first_gone);
            self.uncharge(gone.len());
            let (index, in_page) = split(size);
            if in_page != 0
                && let Some(frame) = st.pages.get(&index)
            {
                frame.write(in_page, &[0u8; PAGE_SIZE][in_page..]);
            }
            drop(st);
            drop(gone);
            first_gone
        };
        self.unmap_from(first_gone);
    }

    /// The frame of page `index` for a shared mapping, creating a zeroed
    /// one for a hole. `Fault::Bus` when the page lies entirely past the end
    /// of the file (Linux: SIGBUS), `OutOfMemory` without a frame.
    pub(crate) fn page_for_fault(&self, index: u64) -> Result<UserFrame, Fault> {
        let mut st = self.state.lock();
        if index >= st.size.div_ceil(PAGE) {
            return Err(Fault::Bus);
        }
        if let Some(frame) = st.pages.get(&index) {
            return Ok(frame.clone());
        }
        let frame = self.new_frame()?;
        st.pages.insert(index, frame.clone());
        Ok(frame)
    }

    /// A reference to the frame of page `index`, if it has one (tests and
    /// the debugger).
    pub fn frame(&self, index: u64) -> Option<UserFrame> {
        self.state.lock().pages.get(&index).cloned()
    }
}

impl Drop for FilePages {
    fn drop(&mut self) {
        let held = self.state.lock().pages.len();
        self.uncharge(held);
    }
}

impl core::fmt::Debug for FilePages {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let (size, pages) = self.size_and_pages();
        write!(f, "FilePages {{ size: {size}, pages: {pages} }}")
    }
}

#[cfg(test)]
mod test;
