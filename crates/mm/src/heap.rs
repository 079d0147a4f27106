//! The kernel heap: `talc` over memory claimed from the frame allocator.
//!
//! The heap starts empty; when an allocation does not fit, the OOM handler
//! claims a contiguous run of frames (at least `GROW_MIN`) through the
//! direct map. Claimed frames stay with the heap (talc cannot give back the
//! middle of its arena); the frame statistics count them as kernel heap.

use core::alloc::Layout;

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

#[global_allocator]
static HEAP: Talck<arch::irq::RawIrqSpinLock, GrowFromFrames> = Talc::new(GrowFromFrames).lock();

/// Bytes currently allocated on the heap, and bytes claimed for it.
pub fn usage() -> (usize, usize) {
    let talc = HEAP.lock();
    let counters = talc.get_counters();
    (counters.allocated_bytes, counters.claimed_bytes)
}
