//! User frames: physical pages that user mappings, the page cache or
//! shared-memory objects hold, with a reference count per frame.
//!
//! A [`UserFrame`] is one counted reference. Cloning it increments the
//! frame's count; dropping it decrements the count and returns the frame to
//! the allocator when the count reaches zero. Every present user page-table
//! entry also holds one reference (the page-table code turns a `UserFrame`
//! into a raw entry with [`UserFrame::into_raw`] and back with
//! [`UserFrame::from_raw`]). So the count of a frame is exactly "entries
//! mapping it + handles to it", which is what copy-on-write asks: a private
//! page whose count is 1 belongs to one mapping and may simply be made
//! writable.
//!
//! The counts live in one table of `AtomicU32`, one word per frame of the
//! frame allocator's span, allocated once at boot (`init_metadata`): every
//! operation is O(1). A word holds the count in its low 28 bits and the
//! frame's [`FrameKind`] in the top 4, so whoever drops the last reference
//! frees the frame under the kind it was allocated as.

use alloc::boxed::Box;
use core::sync::atomic::{AtomicU32, Ordering, fence};

use spin::Once;

use crate::PAGE_SIZE;
use crate::frame::{FRAMES, FrameKind, alloc_frame, free_frame};
use crate::phys;

const COUNT_BITS: u32 = 28;
const COUNT_MASK: u32 = (1 << COUNT_BITS) - 1;

struct Metadata {
    first_frame: usize,
    words: Box<[AtomicU32]>,
}

static METADATA: Once<Metadata> = Once::new();

/// Allocates the per-frame table for every frame the allocator manages.
/// Called once, after all memory was added to the frame allocator and the
/// heap works (the kernel: end of `kernel_space::init`).
pub fn init_metadata() {
    let span = FRAMES.lock().span();
    METADATA.call_once(|| Metadata {
        first_frame: span.start,
        words: (span.start..span.end).map(|_| AtomicU32::new(0)).collect(),
    });
}

fn word(phys: u64) -> &'static AtomicU32 {
    let meta = METADATA.get().expect("frame metadata used before mm init");
    let frame = phys as usize / PAGE_SIZE;
    &meta.words[frame - meta.first_frame]
}

/// One counted reference to a user frame (see the module doc).
#[derive(Debug)]
pub struct UserFrame {
    phys: u64,
}

impl UserFrame {
    /// A fresh zeroed frame with a count of 1. `None` when out of memory.
    pub fn alloc_zeroed(kind: FrameKind) -> Option<Self> {
        let phys = alloc_frame(kind)?;
        // SAFETY: (1) the frame is fresh from the allocator, so we own it and
        // nothing maps or references it.
        unsafe { phys::zero_frame(phys) };
        let prev = word(phys).swap(((kind as u32) << COUNT_BITS) | 1, Ordering::Relaxed);
        debug_assert_eq!(prev & COUNT_MASK, 0, "allocated frame {phys:#x} had references");
        Some(Self { phys })
    }

    /// The physical address.
    pub fn phys(&self) -> u64 {
        self.phys
    }

    /// References to the frame right now (mappings plus handles).
    pub fn ref_count(&self) -> u32 {
        word(self.phys).load(Ordering::Acquire) & COUNT_MASK
    }

    /// What the frame was allocated as.
    pub fn kind(&self) -> FrameKind {
        FrameKind::ALL[(word(self.phys).load(Ordering::Relaxed) >> COUNT_BITS) as usize]
    }

    /// A new private frame (`UserAnon`) with a copy of this one's bytes:
    /// the copy half of a copy-on-write break.
    pub fn duplicate(&self) -> Option<UserFrame> {
        let copy = UserFrame::alloc_zeroed(FrameKind::UserAnon)?;
        // SAFETY: (1) we hold a reference to both frames for the whole copy;
        // (2) they differ (one is fresh); (3) no Rust reference to either's
        // bytes exists: `copy` is unmapped, and `self` is only reached
        // through raw copies like this one.
        unsafe { phys::copy_frame(copy.phys, self.phys) };
        Some(copy)
    }

    /// Copies bytes out of the frame at `offset`.
    pub fn read(&self, offset: usize, buf: &mut [u8]) {
        assert!(offset <= PAGE_SIZE && buf.len() <= PAGE_SIZE - offset);
        // SAFETY: (1) we hold a reference, so the frame stays allocated;
        // (2) the range lies inside the frame (asserted).
        unsafe { phys::read(self.phys, offset, buf) }
    }

    /// Copies bytes into the frame at `offset`. Other mappings of the frame
    /// see the write (this is how shared memory is written by the kernel).
    pub fn write(&self, offset: usize, buf: &[u8]) {
        assert!(offset <= PAGE_SIZE && buf.len() <= PAGE_SIZE - offset);
        // SAFETY: as in `read`.
        unsafe { phys::write(self.phys, offset, buf) }
    }

    /// Runs `f` on the frame's bytes if this handle is the only reference
    /// (so nothing maps the frame); `None` otherwise.
    pub fn with_exclusive<R>(&mut self, f: impl FnOnce(&mut [u8; PAGE_SIZE]) -> R) -> Option<R> {
        if self.ref_count() != 1 {
            return None;
        }
        // SAFETY: (1) the count is 1 and this handle is that reference, so
        // no page-table entry and no other handle names the frame; (2) new
        // references are made only by cloning an existing one, and we hold
        // the only one mutably, so the count stays 1 while `f` runs.
        Some(unsafe { phys::with_frame_mut(self.phys, f) })
    }

    /// Gives up the handle without dropping the reference (a page-table
    /// entry now holds it).
    pub(crate) fn into_raw(self) -> u64 {
        let phys = self.phys;
        core::mem::forget(self);
        phys
    }

    /// Takes back a reference given up by [`into_raw`](Self::into_raw).
    ///
    /// # Safety
    /// `phys` came from `into_raw` and that reference was not taken back yet.
    pub(crate) unsafe fn from_raw(phys: u64) -> Self {
        Self { phys }
    }

    /// A new reference to a frame held by a raw reference (a page-table
    /// entry), without taking that reference.
    ///
    /// # Safety
    /// `phys` names a frame whose raw reference (from `into_raw`) is still
    /// held, and stays held until this call returns.
    pub(crate) unsafe fn clone_raw(phys: u64) -> Self {
        // SAFETY: (1) the raw reference keeps the count above zero during the
        // call (contract), so the frame cannot be freed concurrently;
        // (2) `ManuallyDrop` keeps that reference's count untouched.
        let borrowed = core::mem::ManuallyDrop::new(unsafe { Self::from_raw(phys) });
        (*borrowed).clone()
    }
}

impl Clone for UserFrame {
    fn clone(&self) -> Self {
        let prev = word(self.phys).fetch_add(1, Ordering::Relaxed);
        assert!(prev & COUNT_MASK != 0 && prev & COUNT_MASK < COUNT_MASK - 1, "frame refcount out of range");
        Self { phys: self.phys }
    }
}

impl Drop for UserFrame {
    fn drop(&mut self) {
        let w = word(self.phys);
        let prev = w.fetch_sub(1, Ordering::Release);
        debug_assert!(prev & COUNT_MASK != 0, "frame {:#x} dropped with no references", self.phys);
        if prev & COUNT_MASK == 1 {
            // Pairs with the Release of every other drop: their accesses to
            // the frame happen before it is freed.
            fence(Ordering::Acquire);
            let kind = FrameKind::ALL[(prev >> COUNT_BITS) as usize];
            w.store(0, Ordering::Relaxed);
            free_frame(self.phys, kind);
        }
    }
}

/// The reference count of the frame at `phys` (0 when free); for the
/// debugger and tests.
pub fn ref_count_of(phys: u64) -> u32 {
    word(phys).load(Ordering::Acquire) & COUNT_MASK
}
