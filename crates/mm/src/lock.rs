//! mlock(2), mlock2(2), munlock(2), mlockall(2), munlockall(2) (Linux
//! mm/mlock.c, v6.1).
//!
//! Nothing is ever paged out here, so a lock is bookkeeping plus a
//! prefault: `VmaFlags::LOCKED` on the VMAs (VmLck in /proc/PID/status,
//! counted against RLIMIT_MEMLOCK as Linux counts `mm->locked_vm`: a page
//! locked twice counts once), and the pages faulted in unless the lock is
//! on-fault. `mlockall(MCL_FUTURE)` makes later mappings locked
//! (`State::def_flags`). A fork child inherits no locks (Linux dup_mmap).
//!
//! The callers pass the RLIMIT_MEMLOCK in pages, `None` for a caller with
//! CAP_IPC_LOCK; the EPERM of a zero limit is theirs to give.

use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use abi::{Errno, KResult};

use crate::PAGE_SIZE;
use crate::fault::Access;
use crate::layout::{self, TASK_SIZE};
use crate::space::{AddressSpace, State};
use crate::vma::{Prot, VmaFlags};

pub const MCL_CURRENT: u32 = 1;
pub const MCL_FUTURE: u32 = 2;
pub const MCL_ONFAULT: u32 = 4;

const LOCK_BITS: VmaFlags = VmaFlags::LOCKED.union(VmaFlags::LOCK_ON_FAULT);

impl State {
    /// Pages of locked VMAs (Linux `mm->locked_vm`).
    pub(crate) fn locked_pages(&self) -> usize {
        self.vmas.bytes().locked / PAGE_SIZE
    }

    /// Locked pages inside `start..end` (Linux count_mm_mlocked_page_nr).
    fn locked_pages_in(&self, start: usize, end: usize) -> usize {
        self.vmas
            .overlapping(start, end)
            .filter(|v| v.flags.contains(VmaFlags::LOCKED))
            .map(|v| (v.end.min(end) - v.start.max(start)) / PAGE_SIZE)
            .sum()
    }

    /// The end of the mapped run starting at `start` (capped at `end`).
    fn mapped_until(&self, start: usize, end: usize) -> usize {
        let mut cur = start;
        for v in self.vmas.overlapping(start, end) {
            if v.start > cur {
                break;
            }
            cur = v.end.min(end);
        }
        cur
    }
}

impl AddressSpace {
    /// mlock2 (`lock` = LOCKED, possibly with LOCK_ON_FAULT) and munlock
    /// (`lock` empty). The range is widened to pages. ENOMEM past the
    /// limit (pages already locked in the range not counted again) or for
    /// a hole, after locking the mapped run before it, as Linux does.
    pub fn mlock(&self, addr: usize, len: usize, lock: VmaFlags, limit: Option<usize>) -> KResult<()> {
        let start = layout::page_align_down(addr);
        let end = addr.checked_add(len).and_then(layout::page_align_up).ok_or(Errno::EINVAL)?;
        if end == start {
            return Ok(());
        }
        let mut g = self.mmu.lock();
        let st = &mut g.data;
        if !lock.is_empty()
            && let Some(limit) = limit
        {
            let mut locked = (end - start) / PAGE_SIZE + st.locked_pages();
            if locked > limit {
                locked -= st.locked_pages_in(start, end);
            }
            if locked > limit {
                return Err(Errno::ENOMEM);
            }
        }
        if st.vmas.find(start).is_none() {
            return Err(Errno::ENOMEM);
        }
        let mapped_end = st.mapped_until(start, end);
        if st.vmas.count() + st.vmas.splits_for(start, mapped_end) > layout::max_map_count() {
            return Err(Errno::ENOMEM);
        }
        st.vmas.update_range(start, mapped_end, |v| v.flags = (v.flags - LOCK_BITS) | lock);
        let ranges = populate_ranges(st, start, mapped_end);
        drop(g);
        if mapped_end < end {
            return Err(Errno::ENOMEM);
        }
        if lock == VmaFlags::LOCKED {
            self.populate_all(ranges);
        }
        Ok(())
    }

    /// mlockall(2): EINVAL for no flags, unknown flags or MCL_ONFAULT
    /// alone; ENOMEM when MCL_CURRENT would lock more than the limit.
    pub fn mlockall(&self, flags: u32, limit: Option<usize>) -> KResult<()> {
        if flags == 0 || flags & !(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0 || flags == MCL_ONFAULT {
            return Err(Errno::EINVAL);
        }
        let lock = if flags & MCL_ONFAULT != 0 { LOCK_BITS } else { VmaFlags::LOCKED };
        let mut g = self.mmu.lock();
        let st = &mut g.data;
        if flags & MCL_CURRENT != 0 && limit.is_some_and(|limit| st.vmas.total_bytes() / PAGE_SIZE > limit) {
            return Err(Errno::ENOMEM);
        }
        st.def_flags = if flags & MCL_FUTURE != 0 { lock } else { VmaFlags::empty() };
        self.locks_future.store(flags & MCL_FUTURE != 0, Ordering::Relaxed);
        if flags & MCL_CURRENT == 0 {
            return Ok(());
        }
        st.vmas.update_range(0, TASK_SIZE, |v| v.flags = (v.flags - LOCK_BITS) | lock);
        let ranges = populate_ranges(st, 0, TASK_SIZE);
        drop(g);
        if lock == VmaFlags::LOCKED {
            self.populate_all(ranges);
        }
        Ok(())
    }

    /// munlockall(2): every VMA unlocked, and later mappings too.
    pub fn munlockall(&self) {
        let mut g = self.mmu.lock();
        let st = &mut g.data;
        st.def_flags = VmaFlags::empty();
        self.locks_future.store(false, Ordering::Relaxed);
        st.vmas.update_range(0, TASK_SIZE, |v| v.flags -= LOCK_BITS);
    }

    /// Pages locked now (VmLck, and what RLIMIT_MEMLOCK bounds).
    pub fn locked_pages(&self) -> usize {
        self.mmu.lock().data.locked_pages()
    }

    /// Whether mlockall(MCL_FUTURE) is in force: new mappings are locked.
    /// (Read without the lock; the space's own threads set it.)
    pub fn locks_new_mappings(&self) -> bool {
        self.locks_future.load(Ordering::Relaxed)
    }

    /// Faults in what `populate_ranges` listed; failures are ignored, as
    /// Linux's mlock ignores them (`__mm_populate(.., ignore_errors)`).
    fn populate_all(&self, ranges: Vec<(usize, usize, Access)>) {
        for (s, e, access) in ranges {
            self.populate(s, e, access);
        }
    }
}

/// The accessible parts of `start..end` with the access that brings their
/// pages in: a write for private writable memory (its own copy), a read
/// otherwise; PROT_NONE is skipped (Linux populate_vma_page_range).
fn populate_ranges(st: &State, start: usize, end: usize) -> Vec<(usize, usize, Access)> {
    st.vmas
        .overlapping(start, end)
        .filter(|v| !v.prot.is_empty())
        .map(|v| {
            let write = v.prot.contains(Prot::WRITE) && !v.shared;
            (v.start.max(start), v.end.min(end), if write { Access::Write } else { Access::Read })
        })
        .collect()
}
