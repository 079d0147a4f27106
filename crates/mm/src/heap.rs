//! The kernel heap: `talc` over memory claimed from the frame allocator.
//!
//! The heap starts empty; when an allocation does not fit, the OOM handler
//! claims a contiguous run of frames (at least `GROW_MIN`) through the
//! direct map. Claimed frames stay with the heap (talc cannot give back the
//! middle of its arena); the frame statistics count them as kernel heap.
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

/// Grows the heap from the frame allocator.
pub struct GrowFromFrames;

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
        // span is handed to talc for good.
        unsafe { talc.claim(Span::from_base_size(base, bytes)) }.map(|_| ())
    }
}

static HEAP: Talck<arch::irq::RawIrqSpinLock, GrowFromFrames> = Talc::new(GrowFromFrames).lock();

/// Allocations of this size and up get frames of their own.
const LARGE: usize = 128 * 1024;

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
