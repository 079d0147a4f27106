//! Reaching physical memory: the direct map in the kernel, an arena on the
//! host.
//!
//! Everything above this module names memory by physical address. In the
//! kernel a frame's bytes are at `arch::PHYS_OFFSET + phys` (the direct
//! map built by `kernel_space::init`). In host tests the "physical memory"
//! is one zeroed, page-aligned heap block (the arena) whose first byte is
//! physical address `ARENA_FIRST_FRAME * PAGE_SIZE`; the arena's frames are
//! handed to the global frame allocator the first time anything asks for a
//! frame. Both cases are "physical address + constant offset", so page
//! tables built here are walked the same way on both.
//!
//! The functions that touch memory are `unsafe fn`s: only the caller knows
//! that it owns the frame it names. `page::UserFrame` and `pt::PageTable`
//! wrap them in safe types.

use crate::PAGE_SIZE;

/// Creates the host arena and the frame metadata on first use; a no-op in
/// the kernel, where `kernel_space::init` does both at boot.
#[inline]
pub fn ensure_init() {
    #[cfg(not(target_os = "none"))]
    host::ensure_init();
}

/// The virtual address of physical address 0 (may wrap: only additions of
/// valid physical addresses are meaningful).
#[inline]
pub(crate) fn offset() -> u64 {
    #[cfg(target_os = "none")]
    {
        arch::PHYS_OFFSET as u64
    }
    #[cfg(not(target_os = "none"))]
    {
        host::offset()
    }
}

/// Where the bytes of physical address `phys` can be read and written.
#[inline]
pub(crate) fn ptr(phys: u64) -> *mut u8 {
    #[cfg(not(target_os = "none"))]
    host::check(phys);
    offset().wrapping_add(phys) as usize as *mut u8
}

/// Fills the frame at `phys` with zeros.
///
/// # Safety
/// `phys` is a page-aligned frame the caller owns, and no reference to its
/// bytes exists (user mappings may exist: user memory is racy bytes).
pub(crate) unsafe fn zero_frame(phys: u64) {
    // SAFETY: (1) `ptr` gives the frame's address in the direct map or the
    // arena, both mapped read-write for the whole frame; (2) the caller owns
    // the frame (contract above), so no Rust reference aliases it.
    unsafe { core::ptr::write_bytes(ptr(phys), 0, PAGE_SIZE) }
}

/// Copies the frame at `src` into the frame at `dst`.
///
/// # Safety
/// Both are page-aligned frames the caller holds; `dst != src`; no Rust
/// reference to either frame's bytes exists.
pub(crate) unsafe fn copy_frame(dst: u64, src: u64) {
    // SAFETY: (1) both ranges are whole mapped frames (see `ptr`); (2) they
    // do not overlap because `dst != src` and both are page aligned; (3) no
    // reference aliases them (caller's contract).
    unsafe { core::ptr::copy_nonoverlapping(ptr(src), ptr(dst), PAGE_SIZE) }
}

/// Copies `buf.len()` bytes from `phys + offset`.
///
/// # Safety
/// The frame containing `phys` is held by the caller and
/// `offset + buf.len() <= PAGE_SIZE` with `phys` page aligned.
pub(crate) unsafe fn read(phys: u64, offset: usize, buf: &mut [u8]) {
    debug_assert!(offset + buf.len() <= PAGE_SIZE);
    // SAFETY: (1) the source lies inside one mapped frame (contract);
    // (2) `buf` is a distinct Rust slice, so the ranges do not overlap.
    unsafe { core::ptr::copy_nonoverlapping(ptr(phys).add(offset), buf.as_mut_ptr(), buf.len()) }
}

/// Copies `buf` to `phys + offset`.
///
/// # Safety
/// As for [`read`].
pub(crate) unsafe fn write(phys: u64, offset: usize, buf: &[u8]) {
    debug_assert!(offset + buf.len() <= PAGE_SIZE);
    // SAFETY: as in `read`, with the roles swapped.
    unsafe { core::ptr::copy_nonoverlapping(buf.as_ptr(), ptr(phys).add(offset), buf.len()) }
}

/// Runs `f` on the bytes of the frame at `phys`.
///
/// # Safety
/// The caller holds the only reference to the frame: nothing maps it and
/// nothing else reads or writes it while `f` runs.
pub(crate) unsafe fn with_frame_mut<R>(phys: u64, f: impl FnOnce(&mut [u8; PAGE_SIZE]) -> R) -> R {
    // SAFETY: (1) the frame is mapped, page aligned and PAGE_SIZE long (see
    // `ptr`), so it is a valid `[u8; PAGE_SIZE]`; (2) exclusivity is the
    // caller's contract, so the `&mut` is unique for its lifetime, which
    // ends when `f` returns.
    let page = unsafe { &mut *(ptr(phys) as *mut [u8; PAGE_SIZE]) };
    f(page)
}

#[cfg(not(target_os = "none"))]
mod host {
    use core::sync::atomic::{AtomicU64, Ordering};

    use spin::Once;

    use crate::PAGE_SIZE;
    use crate::frame::FRAMES;

    /// The arena: 64 MiB of "physical memory" (zeroed lazily by the host).
    pub const ARENA_FRAMES: usize = 16 * 1024;
    /// Frame number of the arena's first byte (physical 1 MiB, as in the
    /// kernel, which never hands out the first megabyte).
    pub const ARENA_FIRST_FRAME: usize = 256;

    static ARENA: Once<()> = Once::new();
    static OFFSET: AtomicU64 = AtomicU64::new(0);

    pub fn ensure_init() {
        ARENA.call_once(|| {
            let layout = core::alloc::Layout::from_size_align(ARENA_FRAMES * PAGE_SIZE, PAGE_SIZE).unwrap();
            // SAFETY: the layout has a non-zero size. The block is leaked: the
            // arena lives as long as the test process.
            let base = unsafe { alloc::alloc::alloc_zeroed(layout) };
            assert!(!base.is_null(), "no memory for the host arena");
            let first_phys = (ARENA_FIRST_FRAME * PAGE_SIZE) as u64;
            OFFSET.store((base as u64).wrapping_sub(first_phys), Ordering::Release);
            FRAMES.lock().add_free(ARENA_FIRST_FRAME..ARENA_FIRST_FRAME + ARENA_FRAMES);
            crate::page::init_metadata();
        });
    }

    pub fn offset() -> u64 {
        ensure_init();
        OFFSET.load(Ordering::Acquire)
    }

    pub fn check(phys: u64) {
        let frame = phys as usize / PAGE_SIZE;
        assert!(
            (ARENA_FIRST_FRAME..ARENA_FIRST_FRAME + ARENA_FRAMES).contains(&frame),
            "physical address {phys:#x} outside the host arena"
        );
    }
}
