//! mremap, brk, madvise and mincore (Linux v6.1 `mm/mremap.c`,
//! `mm/mmap.c` `sys_brk`, `mm/madvise.c`, `mm/mincore.c`).

use alloc::vec::Vec;

use abi::linux as l;
use abi::{Errno, KResult};

use crate::PAGE_SIZE;
use crate::layout::{self, TASK_SIZE};
use crate::mmap::{check_as_limit, find_area};
use crate::pt::{Locked, Unmapped};
use crate::space::{AddressSpace, State};
use crate::tlb::MmGuard;
use crate::fault::Access;
use crate::vma::{Backing, Prot, Vma, VmaFlags};

type Guard<'a> = MmGuard<'a, Locked<State>>;

impl AddressSpace {
    /// mremap(2): resizes and/or moves a mapping, keeping its contents.
    pub fn mremap(&self, old_addr: usize, old_len: usize, new_len: usize, flags: u32, new_addr: usize) -> KResult<usize> {
        let (may_move, fixed, dont_unmap) =
            (flags & l::MREMAP_MAYMOVE != 0, flags & l::MREMAP_FIXED != 0, flags & l::MREMAP_DONTUNMAP != 0);
        if flags & !(l::MREMAP_MAYMOVE | l::MREMAP_FIXED | l::MREMAP_DONTUNMAP) != 0 {
            return Err(Errno::EINVAL);
        }
        if fixed && !may_move {
            return Err(Errno::EINVAL);
        }
        if dont_unmap && (!may_move || old_len != new_len) {
            return Err(Errno::EINVAL);
        }
        if !layout::is_page_aligned(old_addr) {
            return Err(Errno::EINVAL);
        }
        let old_len = layout::page_align_up(old_len).ok_or(Errno::EINVAL)?;
        let new_len = layout::page_align_up(new_len).ok_or(Errno::EINVAL)?;
        if new_len == 0 {
            return Err(Errno::EINVAL);
        }
        let mut guard = self.mmu.lock();
        // No mapping at the old address (the kernel half included): EFAULT,
        // Linux's first check after the arguments'.
        let Some(vma) = guard.data.vmas.find(old_addr).cloned() else { return Err(Errno::EFAULT) };
        // An old range past the end of user space (its end would not even
        // fit in an address): Linux's munmap of the tail refuses it.
        if old_addr.checked_add(old_len).is_none_or(|end| end > TASK_SIZE) {
            return Err(Errno::EINVAL);
        }
        if old_len == 0 {
            // Duplicating a shared mapping (old_len 0) is not supported.
            return Err(Errno::EINVAL);
        }
        if dont_unmap && (vma.shared || !matches!(vma.backing, Backing::Anon)) {
            return Err(Errno::EINVAL);
        }
        let mut trash = Vec::new();
        let result = if fixed || dont_unmap {
            self.mremap_to(&mut guard, old_addr, old_len, new_len, if fixed { Some(new_addr) } else { None }, dont_unmap, &mut trash)
        } else if old_len >= new_len {
            if old_len > new_len {
                trash.push(self.unmap_locked(&mut guard, old_addr + new_len, old_addr + old_len));
            }
            Ok(old_addr)
        } else {
            self.mremap_grow(&mut guard, &vma, old_addr, old_len, new_len, may_move, &mut trash)
        };
        drop(guard);
        drop(trash);
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn mremap_grow(
        &self,
        guard: &mut Guard<'_>,
        vma: &Vma,
        old_addr: usize,
        old_len: usize,
        new_len: usize,
        may_move: bool,
        trash: &mut Vec<Unmapped>,
    ) -> KResult<usize> {
        // vma_to_resize
        if old_len > vma.end - old_addr {
            return Err(Errno::EFAULT);
        }
        let st = &mut guard.data;
        check_as_limit(st, new_len - old_len)?;
        let old_end = old_addr + old_len;
        let new_end = old_addr.checked_add(new_len).filter(|&e| e <= TASK_SIZE);
        if old_end == vma.end
            && let Some(new_end) = new_end
            && !st.vmas.overlaps(old_end, new_end)
        {
            assert!(st.vmas.set_end(vma.start, new_end), "VMA found above");
            st.vmas.merge_around(vma.start, new_end);
            return Ok(old_addr);
        }
        if !may_move {
            return Err(Errno::ENOMEM);
        }
        let dest = find_area(st, 0, new_len)?;
        self.move_mapping(guard, old_addr, old_len, dest, new_len, false, trash)?;
        Ok(dest)
    }

    #[allow(clippy::too_many_arguments)]
    fn mremap_to(
        &self,
        guard: &mut Guard<'_>,
        old_addr: usize,
        mut old_len: usize,
        new_len: usize,
        new_addr: Option<usize>,
        dont_unmap: bool,
        trash: &mut Vec<Unmapped>,
    ) -> KResult<usize> {
        if let Some(new_addr) = new_addr {
            if !layout::is_page_aligned(new_addr) {
                return Err(Errno::EINVAL);
            }
            if new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len {
                return Err(Errno::EINVAL);
            }
            // The ranges may not overlap.
            if new_addr < old_addr + old_len && old_addr < new_addr + new_len {
                return Err(Errno::EINVAL);
            }
            trash.push(self.unmap_locked(guard, new_addr, new_addr + new_len));
        }
        if old_len > new_len {
            trash.push(self.unmap_locked(guard, old_addr + new_len, old_addr + old_len));
            old_len = new_len;
        }
        let Some(vma) = guard.data.vmas.find(old_addr).cloned() else { return Err(Errno::EFAULT) };
        if old_len > vma.end - old_addr {
            return Err(Errno::EFAULT);
        }
        check_as_limit(&guard.data, new_len - old_len)?;
        let dest = match new_addr {
            Some(a) => a,
            None => find_area(&guard.data, 0, new_len)?,
        };
        self.move_mapping(guard, old_addr, old_len, dest, new_len, dont_unmap, trash)?;
        Ok(dest)
    }

    /// Moves `src..src+len` (inside one VMA) to `dst..dst+new_len` (free),
    /// page-table entries included. Transactional: on ENOMEM nothing moved.
    #[allow(clippy::too_many_arguments)]
    fn move_mapping(
        &self,
        guard: &mut Guard<'_>,
        src: usize,
        len: usize,
        dst: usize,
        new_len: usize,
        keep_source: bool,
        trash: &mut Vec<Unmapped>,
    ) -> KResult<()> {
        let (mut pt, st) = guard.split();
        let template = st.vmas.find(src).expect("source VMA checked by the caller").clone();
        // 1. Map the pages at the destination as extra references.
        let mut pages = Vec::new();
        pt.for_each(src, src + len, |va, pte| pages.push((va, pte.flags)));
        let mut staged = Unmapped::new();
        for &(va, flags) in &pages {
            let frame = pt.frame(va).expect("page vanished under the lock");
            if pt.map(dst + (va - src), frame, flags).is_err() {
                pt.unmap_range(dst, dst + len, &mut staged);
                trash.push(staged);
                return Err(Errno::ENOMEM);
            }
        }
        // 2. Drop the source (its references go after the flush).
        let mut moved = Vma { start: dst, end: dst + new_len, ..template.clone() };
        if let Some(offset) = moved.backing.offset_mut() {
            *offset = template.backing_offset(src);
        }
        if keep_source {
            // MREMAP_DONTUNMAP: the source stays mapped, empty.
            let mut old = Unmapped::new();
            pt.unmap_range(src, src + len, &mut old);
            trash.push(old);
            if !pages.is_empty() {
                self.mmu.flush(src, src + len);
            }
            guard.data.vmas.insert(moved);
        } else {
            trash.push(self.unmap_locked(guard, src, src + len));
            guard.data.vmas.insert(moved);
        }
        Ok(())
    }

    /// brk(2): moves the program break and returns the new one, or the old
    /// one when the request cannot be met (Linux's syscall never fails).
    pub fn brk(&self, requested: usize) -> usize {
        let mut guard = self.mmu.lock();
        let st = &mut guard.data;
        let old = st.brk;
        // No break before the loader set one; never below its start.
        if st.brk_start == 0 || requested < st.brk_start {
            return old;
        }
        let (Some(new_top), Some(old_top)) = (layout::page_align_up(requested), layout::page_align_up(old)) else {
            return old;
        };
        if new_top == old_top {
            st.brk = requested;
            return requested;
        }
        if requested <= old {
            st.brk = requested;
            let unmapped = self.unmap_locked(&mut guard, new_top, old_top);
            drop(guard);
            drop(unmapped);
            return requested;
        }
        // Grow: room up to the next VMA (and its stack guard gap) plus one page.
        if new_top > TASK_SIZE {
            return old;
        }
        if let Some(next) = st.vmas.first_ending_after(old_top)
            && new_top + PAGE_SIZE > next.start_gap()
        {
            return old;
        }
        if check_as_limit(st, new_top - old_top).is_err() {
            return old;
        }
        // Under mlockall(MCL_FUTURE) the heap grows locked and populated
        // (Linux do_brk_flags with mm->def_flags).
        let flags = st.def_flags;
        st.vmas.insert(Vma { flags, ..Vma::anon(old_top, new_top, Prot::READ | Prot::WRITE) });
        st.brk = requested;
        drop(guard);
        if flags.contains(VmaFlags::LOCKED) && !flags.contains(VmaFlags::LOCK_ON_FAULT) {
            self.populate(old_top, new_top, Access::Write);
        }
        requested
    }

    /// msync(2). Nothing is ever dirty in a file here (writable shared
    /// file mappings are refused), so this only checks its arguments and
    /// that the range is mapped (ENOMEM for holes), as Linux does.
    pub fn msync(&self, addr: usize, len: usize, flags: u32) -> KResult<()> {
        if flags & !(l::MS_ASYNC | l::MS_INVALIDATE | l::MS_SYNC) != 0 || !layout::is_page_aligned(addr) {
            return Err(Errno::EINVAL);
        }
        if flags & l::MS_ASYNC != 0 && flags & l::MS_SYNC != 0 {
            return Err(Errno::EINVAL);
        }
        let len = layout::page_align_up(len).ok_or(Errno::ENOMEM)?;
        let end = addr.checked_add(len).ok_or(Errno::ENOMEM)?;
        if end == addr {
            return Ok(());
        }
        self.check_mapped(addr, end)
    }

    /// ENOMEM unless every page of `start..end` is in a VMA.
    fn check_mapped(&self, start: usize, end: usize) -> KResult<()> {
        let guard = self.mmu.lock();
        let mut cur = start;
        for v in guard.data.vmas.overlapping(start, end) {
            if v.start > cur {
                return Err(Errno::ENOMEM);
            }
            cur = v.end;
        }
        if cur < end { Err(Errno::ENOMEM) } else { Ok(()) }
    }

    /// mincore(2): one byte per page of `addr..addr+len`, 1 when resident.
    pub fn mincore(&self, addr: usize, len: usize) -> KResult<Vec<u8>> {
        if !layout::is_page_aligned(addr) {
            return Err(Errno::EINVAL);
        }
        let len = layout::page_align_up(len).ok_or(Errno::ENOMEM)?;
        let end = addr.checked_add(len).filter(|&e| e <= TASK_SIZE).ok_or(Errno::ENOMEM)?;
        self.check_mapped(addr, end)?;
        let guard = self.mmu.lock();
        let mut out = alloc::vec![0u8; len / PAGE_SIZE];
        guard.pt().for_each(addr, end, |va, _| out[(va - addr) / PAGE_SIZE] = 1);
        Ok(out)
    }
}
