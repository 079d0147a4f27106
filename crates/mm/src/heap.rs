//! The kernel heap: `talc` over memory claimed from the frame allocator.
//!
//! The heap starts empty; when an allocation does not fit, the OOM handler
//! claims a contiguous run of frames (at least `GROW_MIN`) through the
//! direct map; the frame statistics count them as kernel heap.
//!
//! [`reclaim`] gives frames back after a burst: every claimed heap whose
//! memory is all free goes back whole, and the others give back the free
//! pages above their highest allocation (talc's `truncate`). talc cannot
//! give back the middle of a heap. The kernel calls it periodically and
//! before an out-of-memory kill.
//!
//! Large allocations (`LARGE` and up: a user's big read or send buffer)
//! bypass talc: they take their own run of frames and give it back when
//! freed, so MemFree recovers after a burst instead of the arena keeping
//! its high-water mark for good.

use core::alloc::{GlobalAlloc, Layout};

use talc::{OomHandler, Span, Talc, Talck};

use crate::frame::{FRAMES, FrameKind};
use crate::PAGE_SIZE;

/// Smallest growth step: 2 MiB.
const GROW_MIN: usize = 2 << 20;

/// Most heaps tracked for [`reclaim`]; claims past it stay for good.
const MAX_CLAIMS: usize = 512;

/// Grows the heap from the frame allocator, and remembers each heap it
/// claimed so that [`reclaim`] can give frames back.
pub struct GrowFromFrames {
    /// Live heaps as talc returned them. Each owns the frames from its
    /// base's page to its acme rounded up to a page.
    claims: [Span; MAX_CLAIMS],
    count: usize,
}

impl OomHandler for GrowFromFrames {
    fn handle_oom(talc: &mut Talc<Self>, layout: Layout) -> Result<(), ()> {
        // Room for the allocation, its alignment, and talc's metadata.
        let need = layout.size() + layout.align() + 4 * PAGE_SIZE;
        let bytes = need.max(GROW_MIN).next_power_of_two();
        let frames = bytes / PAGE_SIZE;
        // Lock order: heap (held by our caller) -> frames.
        let first = FRAMES.lock().alloc_contiguous(frames, 0, FrameKind::KernelHeap).ok_or(())?;
        let base = arch::phys_to_virt((first * PAGE_SIZE) as u64) as *mut u8;
        // SAFETY: the frames were just taken from the frame allocator, so
        // nothing else uses them; the direct map maps them read-write; the
        // span is handed to talc until `reclaim` takes it back.
        let heap = unsafe { talc.claim(Span::from_base_size(base, bytes)) }?;
        let claims = &mut talc.oom_handler;
        if claims.count < MAX_CLAIMS {
            claims.claims[claims.count] = heap;
            claims.count += 1;
        }
        Ok(())
    }
}

static HEAP: Talck<arch::irq::RawIrqSpinLock, GrowFromFrames> = Talc::new(GrowFromFrames {
    claims: [Span::empty(); MAX_CLAIMS],
    count: 0,
})
.lock();

/// Allocations of this size and up get frames of their own.
const LARGE: usize = 16 * 1024;

fn is_large(layout: Layout) -> bool {
    layout.size() >= LARGE && layout.align() <= PAGE_SIZE
}

/// talc for small allocations, whole frames for large ones.
struct KernelHeap;

#[global_allocator]
static KERNEL_HEAP: KernelHeap = KernelHeap;

// SAFETY: small layouts go to talc, a correct allocator; a large one gets
// `frames_for` frames nobody else owns, page aligned (which satisfies any
// alignment up to a page, the only ones sent there), and the same layout
// on dealloc gives back exactly those frames.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !is_large(layout) {
            // SAFETY: forwarded with the caller's guarantees.
            return unsafe { HEAP.alloc(layout) };
        }
        let frames = layout.size().div_ceil(PAGE_SIZE);
        // The kernel's own large blocks may use the reserve; buffers of a
        // user's size ask `frame::user_may_take_bytes` first.
        match FRAMES.lock().alloc_contiguous(frames, 0, FrameKind::KernelHeap) {
            Some(first) => arch::phys_to_virt((first * PAGE_SIZE) as u64) as *mut u8,
            None => core::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !is_large(layout) {
            // SAFETY: forwarded with the caller's guarantees.
            return unsafe { HEAP.dealloc(ptr, layout) };
        }
        let first = arch::virt_to_phys(ptr as usize) as usize / PAGE_SIZE;
        FRAMES.lock().dealloc_contiguous(first, layout.size().div_ceil(PAGE_SIZE), FrameKind::KernelHeap);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` with `layout.align()` is
        // a valid layout.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if !is_large(layout) && !is_large(new_layout) {
            // SAFETY: forwarded with the caller's guarantees.
            return unsafe { HEAP.realloc(ptr, layout, new_size) };
        }
        // SAFETY: as GlobalAlloc's own default: a new block, the common
        // prefix copied, the old block freed.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

/// Bytes currently allocated on the heap, and bytes claimed for it.
pub fn usage() -> (usize, usize) {
    let talc = HEAP.lock();
    let counters = talc.get_counters();
    (counters.allocated_bytes, counters.claimed_bytes)
}

/// Pages from `addr` rounded up to a page, as a frame number.
fn frame_above(addr: *mut u8) -> usize {
    (arch::virt_to_phys(addr as usize) as usize).div_ceil(PAGE_SIZE)
}

/// Gives free heap memory back to the frame allocator: whole heaps with
/// nothing allocated, and the free pages at the top of the others. Returns
/// the frames given back.
pub fn reclaim() -> usize {
    let mut talc = HEAP.lock();
    let mut returned = 0;
    let mut i = 0;
    while i < talc.oom_handler.count {
        let heap = talc.oom_handler.claims[i];
        let Some((base, acme)) = heap.get_base_acme() else {
            i += 1;
            continue;
        };
        // SAFETY: `heap` is what talc's claim or truncate returned for it.
        let used = unsafe { talc.get_allocated_span(heap) };
        let (first_freed, kept) = match used.get_base_acme() {
            // Nothing allocated: the whole heap goes.
            None => {
                // SAFETY: as above, and nothing in it is allocated.
                unsafe { talc.truncate(heap, Span::empty()) };
                (arch::virt_to_phys(base as usize) as usize / PAGE_SIZE, Span::empty())
            }
            Some((_, used_acme)) => {
                let keep_to = (used_acme as usize).next_multiple_of(PAGE_SIZE) as *mut u8;
                if frame_above(acme) <= frame_above(keep_to) {
                    i += 1;
                    continue;
                }
                // SAFETY: as above; the new extent covers every allocation.
                let kept = unsafe { talc.truncate(heap, Span::new(base, keep_to)) };
                let kept_acme = kept.get_base_acme().map_or(base, |(_, a)| a);
                (frame_above(kept_acme), kept)
            }
        };
        let end = frame_above(acme);
        if end > first_freed {
            FRAMES.lock().dealloc_contiguous(first_freed, end - first_freed, FrameKind::KernelHeap);
            returned += end - first_freed;
        }
        let claims = &mut talc.oom_handler;
        if kept.is_empty() {
            claims.count -= 1;
            claims.claims[i] = claims.claims[claims.count];
        } else {
            claims.claims[i] = kept;
            i += 1;
        }
    }
    returned
}
