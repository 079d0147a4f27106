//! madvise(2) (Linux mm/madvise.c, v6.1), VMA by VMA in address order:
//!
//! - MADV_DONTNEED (EINVAL on a locked VMA) and MADV_DONTNEED_LOCKED drop
//!   the pages: private anonymous memory reads back as zeros, private file
//!   pages are read from the file again, shared memory keeps its contents.
//! - MADV_FREE drops them too (Linux may keep them until memory is short;
//!   either is allowed), only on private anonymous VMAs (else EINVAL).
//! - MADV_DONTFORK / MADV_DOFORK: the VMA is left out of a fork child, or
//!   not. MADV_WIPEONFORK / MADV_KEEPONFORK: the child gets it zero-filled,
//!   or not; only private anonymous VMAs take WIPEONFORK (else EINVAL).
//! - MADV_POPULATE_READ/WRITE fault the range in (EFAULT if they cannot).
//! - The other known values are accepted and ignored (nothing is paged
//!   out, merged or huge here); unknown ones are EINVAL, and the error
//!   injectors (MADV_HWPOISON, MADV_SOFT_OFFLINE) EPERM.
//!
//! A VMA that refuses the advice stops the walk with EINVAL, after the
//! VMAs before it were advised; holes give ENOMEM once the mapped parts
//! are done. Both as Linux's madvise_walk_vmas.

use alloc::vec::Vec;

use abi::linux as l;
use abi::{Errno, KResult};

use crate::fault::Access;
use crate::layout;
use crate::pt::Unmapped;
use crate::space::AddressSpace;
use crate::vma::{Backing, Vma, VmaFlags};

/// What an advice value does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Effect {
    DropPages,
    SetFlags(VmaFlags),
    ClearFlags(VmaFlags),
    Populate(Access),
    Nothing,
}

fn effect(advice: u32) -> KResult<Effect> {
    Ok(match advice {
        l::MADV_DONTNEED | l::MADV_DONTNEED_LOCKED | l::MADV_FREE => Effect::DropPages,
        l::MADV_DONTFORK => Effect::SetFlags(VmaFlags::DONT_FORK),
        l::MADV_DOFORK => Effect::ClearFlags(VmaFlags::DONT_FORK),
        l::MADV_WIPEONFORK => Effect::SetFlags(VmaFlags::WIPE_ON_FORK),
        l::MADV_KEEPONFORK => Effect::ClearFlags(VmaFlags::WIPE_ON_FORK),
        l::MADV_POPULATE_READ => Effect::Populate(Access::Read),
        l::MADV_POPULATE_WRITE => Effect::Populate(Access::Write),
        l::MADV_NORMAL
        | l::MADV_RANDOM
        | l::MADV_SEQUENTIAL
        | l::MADV_WILLNEED
        | l::MADV_MERGEABLE
        | l::MADV_UNMERGEABLE
        | l::MADV_HUGEPAGE
        | l::MADV_NOHUGEPAGE
        | l::MADV_DONTDUMP
        | l::MADV_DODUMP
        | l::MADV_COLD
        | l::MADV_PAGEOUT
        | l::MADV_COLLAPSE => Effect::Nothing,
        l::MADV_HWPOISON | l::MADV_SOFT_OFFLINE => return Err(Errno::EPERM),
        _ => return Err(Errno::EINVAL),
    })
}

/// Whether `vma` takes `advice` (Linux's per-VMA checks).
fn accepts(vma: &Vma, advice: u32) -> bool {
    let private_anon = matches!(vma.backing, Backing::Anon) && !vma.shared;
    match advice {
        // can_madv_lru_vma: neither drops pages of a locked VMA.
        l::MADV_DONTNEED => !vma.flags.contains(VmaFlags::LOCKED),
        l::MADV_FREE => private_anon && !vma.flags.contains(VmaFlags::LOCKED),
        l::MADV_WIPEONFORK => private_anon,
        _ => true,
    }
}

impl AddressSpace {
    /// madvise(2); see the module doc.
    pub fn madvise(&self, addr: usize, len: usize, advice: u32) -> KResult<()> {
        let effect = effect(advice)?;
        if !layout::is_page_aligned(addr) {
            return Err(Errno::EINVAL);
        }
        let len = layout::page_align_up(len).ok_or(Errno::EINVAL)?;
        let end = addr.checked_add(len).ok_or(Errno::EINVAL)?;
        if end == addr {
            return Ok(());
        }
        let mut guard = self.mmu.lock();
        let (mut pt, st) = guard.split();
        let mut hole = false;
        let mut refused = false;
        let mut cur = addr;
        let mut ranges = Vec::new();
        for v in st.vmas.overlapping(addr, end) {
            if v.start > cur {
                hole = true;
            }
            if !accepts(v, advice) {
                refused = true;
                break;
            }
            ranges.push((v.start.max(addr), v.end.min(end)));
            cur = v.end;
        }
        if cur < end {
            hole = true;
        }
        let changes_flags = matches!(effect, Effect::SetFlags(_) | Effect::ClearFlags(_));
        if changes_flags && let (Some(&(first, _)), Some(&(_, last))) = (ranges.first(), ranges.last()) {
            // A split past vm.max_map_count: Linux's ENOMEM, which madvise
            // reports as EAGAIN.
            if st.vmas.count() + st.vmas.splits_for(first, last) > layout::max_map_count() {
                return Err(Errno::EAGAIN);
            }
        }
        let mut unmapped = Unmapped::new();
        for &(s, e) in &ranges {
            match effect {
                Effect::DropPages => pt.unmap_range(s, e, &mut unmapped),
                Effect::SetFlags(f) => st.vmas.update_range(s, e, |v| v.flags |= f),
                Effect::ClearFlags(f) => st.vmas.update_range(s, e, |v| v.flags -= f),
                Effect::Populate(_) | Effect::Nothing => {}
            }
        }
        if !unmapped.is_empty() {
            self.mmu.flush(addr, end);
        }
        drop(guard);
        drop(unmapped);
        if refused {
            return Err(Errno::EINVAL);
        }
        if let Effect::Populate(access) = effect {
            for (s, e) in ranges {
                if !self.populate(s, e, access) {
                    return Err(Errno::EFAULT);
                }
            }
        }
        if hole { Err(Errno::ENOMEM) } else { Ok(()) }
    }
}
