//! Physical frame allocation.
//!
//! A hierarchical bitmap (`bitmap-allocator`: one bit per 4 KiB frame, up
//! to 64 GiB) with per-purpose counters, so `/proc/meminfo` and the
//! debugger's `weft pmem` can say where memory went.

use core::ops::Range;
use core::sync::atomic::{AtomicUsize, Ordering};

use bitmap_allocator::BitAlloc;

use crate::PAGE_SIZE;

/// What a frame is used for (for accounting only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum FrameKind {
    KernelHeap,
    KernelStack,
    PageTable,
    UserAnon,
    PageCache,
    Other,
}

pub const FRAME_KINDS: usize = 6;

impl FrameKind {
    pub const ALL: [FrameKind; FRAME_KINDS] = [
        FrameKind::KernelHeap,
        FrameKind::KernelStack,
        FrameKind::PageTable,
        FrameKind::UserAnon,
        FrameKind::PageCache,
        FrameKind::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FrameKind::KernelHeap => "kernel heap",
            FrameKind::KernelStack => "kernel stacks",
            FrameKind::PageTable => "page tables",
            FrameKind::UserAnon => "user anonymous",
            FrameKind::PageCache => "page cache",
            FrameKind::Other => "other",
        }
    }
}

/// A frame allocator over bitmap `B`, counting frames by kind.
///
/// Frame numbers are physical addresses divided by `PAGE_SIZE`.
pub struct FrameAllocator<B: BitAlloc> {
    bits: B,
    total: usize,
    free: usize,
    by_kind: [usize; FRAME_KINDS],
    /// Lowest and one past the highest frame number ever added (the span
    /// the per-frame metadata table of `page` covers).
    span: (usize, usize),
}

impl<B: BitAlloc> FrameAllocator<B> {
    pub const fn new() -> Self {
        Self { bits: B::DEFAULT, total: 0, free: 0, by_kind: [0; FRAME_KINDS], span: (usize::MAX, 0) }
    }

    /// Adds the frames of `range` (frame numbers) as free memory. Frames
    /// beyond the bitmap's capacity are ignored; returns how many were added.
    pub fn add_free(&mut self, range: Range<usize>) -> usize {
        let range = range.start.min(B::CAP)..range.end.min(B::CAP);
        let mut added = 0;
        for frame in range.clone() {
            if !self.bits.test(frame) {
                added += 1;
            }
        }
        if range.start < range.end {
            self.span = (self.span.0.min(range.start), self.span.1.max(range.end));
        }
        self.bits.insert(range);
        self.total += added;
        self.free += added;
        added
    }

    /// Frames kept for the kernel's own structures: user memory (and
    /// buffers of a user's size) cannot take the last of them, so when a
    /// program exhausts memory its page fault fails and the OOM killer
    /// runs, while the kernel heap can still grow to finish what it does
    /// (an exit, a reply) instead of panicking.
    pub fn reserve(&self) -> usize {
        (self.total / 64).clamp(256, 8192)
    }

    /// Whether `count` frames may go to user memory now.
    pub fn user_may_take(&self, count: usize) -> bool {
        self.free >= count + self.reserve()
    }

    fn is_user(kind: FrameKind) -> bool {
        matches!(kind, FrameKind::UserAnon | FrameKind::PageCache)
    }

    /// One free frame.
    pub fn alloc(&mut self, kind: FrameKind) -> Option<usize> {
        if Self::is_user(kind) && !self.user_may_take(1) {
            return None;
        }
        let frame = self.bits.alloc()?;
        self.free -= 1;
        self.by_kind[kind as usize] += 1;
        Some(frame)
    }

    /// `count` contiguous frames whose first number is a multiple of
    /// `2^align_log2`.
    pub fn alloc_contiguous(&mut self, count: usize, align_log2: usize, kind: FrameKind) -> Option<usize> {
        if Self::is_user(kind) && !self.user_may_take(count) {
            return None;
        }
        let first = self.bits.alloc_contiguous(None, count, align_log2)?;
        self.free -= count;
        self.by_kind[kind as usize] += count;
        Some(first)
    }

    /// Returns a frame. Panics on a double free: that is memory corruption.
    pub fn dealloc(&mut self, frame: usize, kind: FrameKind) {
        assert!(self.bits.dealloc(frame), "frame {frame:#x} freed twice");
        self.free += 1;
        self.by_kind[kind as usize] -= 1;
    }

    /// Returns `count` contiguous frames starting at `first`.
    pub fn dealloc_contiguous(&mut self, first: usize, count: usize, kind: FrameKind) {
        for frame in first..first + count {
            self.dealloc(frame, kind);
        }
    }

    /// Frames handed to the allocator.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Frames free now.
    pub fn free(&self) -> usize {
        self.free
    }

    /// Frames in use for `kind`.
    pub fn in_use(&self, kind: FrameKind) -> usize {
        self.by_kind[kind as usize]
    }

    /// Frame numbers from the lowest to one past the highest frame ever
    /// added (empty before the first `add_free`).
    pub fn span(&self) -> Range<usize> {
        if self.span.0 > self.span.1 { 0..0 } else { self.span.0..self.span.1 }
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> FrameStats {
        FrameStats { total: self.total, free: self.free, by_kind: self.by_kind }
    }
}

/// Frame counters at one instant (for `/proc/meminfo`, `weft pmem` and
/// tests that check a teardown returned every frame).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameStats {
    /// Frames handed to the allocator.
    pub total: usize,
    /// Frames free.
    pub free: usize,
    /// Frames in use, indexed by `FrameKind as usize`.
    pub by_kind: [usize; FRAME_KINDS],
}

impl FrameStats {
    /// Frames in use for `kind`.
    pub fn in_use(&self, kind: FrameKind) -> usize {
        self.by_kind[kind as usize]
    }
}

impl<B: BitAlloc> Default for FrameAllocator<B> {
    fn default() -> Self {
        Self::new()
    }
}

/// The kernel's allocator: 16M frames = 64 GiB of physical memory.
pub type KernelFrameAllocator = FrameAllocator<bitmap_allocator::BitAlloc16M>;

/// The global frame allocator.
///
/// Lock order: taken last; nothing else is locked while holding it, except
/// by the kernel heap's refill, which takes the heap lock first.
pub static FRAMES: FrameLock = FrameLock::new(KernelFrameAllocator::new());

#[cfg(target_os = "none")]
pub type FrameLock = lock_api::Mutex<arch::irq::RawIrqSpinLock, KernelFrameAllocator>;
#[cfg(not(target_os = "none"))]
pub type FrameLock = lock_api::Mutex<spin::Mutex<()>, KernelFrameAllocator>;

/// Frames allocated at boot before the allocator knew the memory map are
/// not tracked; this counts frames freed by user-visible operations for
/// quick statistics.
static FREED_TOTAL: AtomicUsize = AtomicUsize::new(0);

/// Frames freed since boot (a statistic).
pub fn freed_total() -> usize {
    FREED_TOTAL.load(Ordering::Relaxed)
}

/// Allocates one frame from the global allocator; returns its physical address.
pub fn alloc_frame(kind: FrameKind) -> Option<u64> {
    crate::phys::ensure_init();
    FRAMES.lock().alloc(kind).map(|f| (f * PAGE_SIZE) as u64)
}

/// Returns a frame to the global allocator.
pub fn free_frame(phys: u64, kind: FrameKind) {
    FREED_TOTAL.fetch_add(1, Ordering::Relaxed);
    FRAMES.lock().dealloc(phys as usize / PAGE_SIZE, kind);
}

/// Whether a buffer of `bytes` that a user asked for may be allocated now
/// without eating into the kernel's reserve (`FrameAllocator::reserve`).
/// Callers turn `false` into ENOMEM.
pub fn user_may_take_bytes(bytes: usize) -> bool {
    let frames = FRAMES.lock();
    frames.total() == 0 || frames.user_may_take(bytes.div_ceil(PAGE_SIZE))
}

/// Free frames right now.
pub fn free_frames() -> usize {
    FRAMES.lock().free()
}

/// Frames managed in total.
pub fn total_frames() -> usize {
    FRAMES.lock().total()
}

/// All frame counters of the global allocator.
pub fn stats() -> FrameStats {
    crate::phys::ensure_init();
    FRAMES.lock().stats()
}

#[cfg(test)]
mod test;
