//! The user half of the virtual address space, with Linux's x86_64 numbers
//! (no address randomization yet):
//!
//! | range                                   | what                              |
//! |-----------------------------------------|-----------------------------------|
//! | `0` .. `MMAP_MIN_ADDR` (64 KiB)         | never mapped (null-pointer guard) |
//! | `0x40_0000` ..                          | non-PIE ELF images (their choice) |
//! | `ELF_ET_DYN_BASE` = `0x5555_5555_4000`  | PIE executables                   |
//! | end of the ELF's bss ..                 | brk heap, growing up              |
//! | .. `mmap_base()` = `STACK_TOP - 128 MiB`| mmap, placed top-down             |
//! | `STACK_TOP - rlimit` .. `STACK_TOP`     | main stack, growing down          |
//! | `TASK_SIZE` .. `0x8000_0000_0000`       | one unmapped page below the hole  |
//!
//! See Linux `arch/x86/mm/mmap.c` (`mmap_base`) and `mm/mmap.c`
//! (`stack_guard_gap`, `mmap_min_addr`), v6.1.

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::PAGE_SIZE;

/// End of user space: Linux's `TASK_SIZE_MAX` for 4-level paging, one page
/// below the canonical hole.
pub const TASK_SIZE: usize = (1 << 47) - PAGE_SIZE;
/// The lowest address mmap may use (`vm.mmap_min_addr`).
pub const MMAP_MIN_ADDR: usize = 0x1_0000;
/// The top of the main thread's stack.
pub const STACK_TOP: usize = TASK_SIZE;
/// Load address of position-independent executables (Linux `ELF_ET_DYN_BASE`).
pub const ELF_ET_DYN_BASE: usize = 0x5555_5555_4000;
/// Where bottom-up placement starts when top-down finds no room
/// (Linux `TASK_UNMAPPED_BASE`).
pub const TASK_UNMAPPED_BASE: usize = (TASK_SIZE / 3) & !(PAGE_SIZE - 1);
/// Gap kept free below a grows-down stack (Linux `stack_guard_gap`: 256 pages).
pub const STACK_GUARD_GAP: usize = 256 * PAGE_SIZE;
/// Default `RLIMIT_STACK`.
pub const DEFAULT_STACK_LIMIT: usize = 8 << 20;
/// The main stack's VMA starts this big (Linux `setup_arg_pages`'s
/// `stack_expand`), then grows on faults up to the stack rlimit.
pub const INITIAL_STACK_SIZE: usize = 128 << 10;
/// Most VMAs one address space may have by default (`vm.max_map_count`).
pub const DEFAULT_MAX_MAP_COUNT: usize = 65530;

/// `vm.max_map_count` now: mmap fails with ENOMEM when an address space has
/// more VMAs, and a split that would pass it (mprotect or munmap in the
/// middle of a VMA) fails with ENOMEM, as in Linux.
static MAX_MAP_COUNT: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_MAP_COUNT);

pub fn max_map_count() -> usize {
    MAX_MAP_COUNT.load(Ordering::Relaxed)
}

/// Sets `vm.max_map_count` (Linux accepts 0 ..= INT_MAX; the caller checks).
pub fn set_max_map_count(n: usize) {
    MAX_MAP_COUNT.store(n, Ordering::Relaxed);
}
/// Size of the PROT_NONE guard under each thread stack the kernel places.
pub const THREAD_STACK_GUARD: usize = PAGE_SIZE;

/// Linux's `mmap_base` without randomization: below the stack by the stack
/// rlimit plus the guard gap, at least 128 MiB and at most 5/6 of the space.
pub fn mmap_base(stack_limit: usize) -> usize {
    let gap = stack_limit.saturating_add(STACK_GUARD_GAP);
    let gap = gap.clamp(128 << 20, TASK_SIZE / 6 * 5);
    (TASK_SIZE - gap) & !(PAGE_SIZE - 1)
}

/// Rounds up to a page; `None` on overflow.
pub fn page_align_up(x: usize) -> Option<usize> {
    x.checked_add(PAGE_SIZE - 1).map(|v| v & !(PAGE_SIZE - 1))
}

/// Rounds down to a page.
pub const fn page_align_down(x: usize) -> usize {
    x & !(PAGE_SIZE - 1)
}

/// Whether `x` is page aligned.
pub const fn is_page_aligned(x: usize) -> bool {
    x.is_multiple_of(PAGE_SIZE)
}
