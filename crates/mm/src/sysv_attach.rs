//! Attaching and detaching System V shared memory segments (shmat/shmdt).
//!
//! A segment's memory is a [`SharedMem`] marked `sysv`; an attachment is a
//! shared VMA over it. Every VMA holds an `Arc` of the memory, so fork
//! (which copies VMAs), munmap, exec and exit (which drop them) keep the
//! count of references right without any hook: the IPC layer reads the
//! attach count from it. Checks follow Linux v6.1 `ipc/shm.c` (`do_shmat`,
//! `ksys_shmdt`) and the MAP_FIXED path of `do_mmap`.

use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::{Errno, KResult};

use crate::PAGE_SIZE;
use crate::layout::{self, MMAP_MIN_ADDR, TASK_SIZE};
use crate::mmap::{check_as_limit, find_area};
use crate::shared::SharedMem;
use crate::space::AddressSpace;
use crate::vma::{Backing, Prot, Vma};

/// Where to attach a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachAt {
    /// The kernel chooses (shmat with a NULL address).
    Anywhere,
    /// This page-aligned address; `replace` (SHM_REMAP) allows replacing
    /// what is mapped there, otherwise an overlap is EINVAL.
    Fixed { addr: usize, replace: bool },
}

impl AddressSpace {
    /// Maps `len` bytes of `mem` shared at `at` with `prot`; `writable`
    /// says whether mprotect may later grant write (the segment was
    /// attached read-write). Returns the address.
    pub fn attach_sysv(&self, mem: Arc<SharedMem>, at: AttachAt, len: usize, prot: Prot, writable: bool) -> KResult<usize> {
        let len = layout::page_align_up(len).filter(|&l| l != 0).ok_or(Errno::ENOMEM)?;
        let mut guard = self.mmu.lock();
        let st = &mut guard.data;
        let addr = match at {
            Anywhere => find_area(st, 0, len)?,
            AttachAt::Fixed { addr, replace } => {
                // do_shmat: without SHM_REMAP an overlap is EINVAL, checked
                // before do_mmap's own checks.
                if !replace && (addr.checked_add(len).is_none() || st.vmas.overlaps(addr, addr.saturating_add(len))) {
                    return Err(Errno::EINVAL);
                }
                if len > TASK_SIZE || addr > TASK_SIZE - len {
                    return Err(Errno::ENOMEM);
                }
                if addr < MMAP_MIN_ADDR {
                    return Err(Errno::EPERM);
                }
                addr
            }
        };
        if st.vmas.count() > layout::max_map_count() {
            return Err(Errno::ENOMEM);
        }
        let replaced: usize = st.vmas.overlapping(addr, addr + len).map(|v| v.end.min(addr + len) - v.start.max(addr)).sum();
        check_as_limit(st, len - replaced)?;
        let max_prot = if writable { Prot::all() } else { Prot::READ | Prot::EXEC };
        let vma = Vma { shared: true, max_prot, backing: Backing::Shared { mem, offset: 0 }, ..Vma::anon(addr, addr + len, prot) };
        let unmapped = self.unmap_locked(&mut guard, addr, addr + len);
        guard.data.vmas.insert(vma);
        drop(guard);
        drop(unmapped);
        Ok(addr)
    }

    /// shmdt(2): unmaps the segment attached at `addr` (the first System V
    /// VMA at or above `addr` whose offset matches its distance from
    /// `addr`, and the later pieces of the same attachment). Returns the
    /// segment's memory; EINVAL when there is none.
    pub fn detach_sysv(&self, addr: usize) -> KResult<Arc<SharedMem>> {
        // Past user space nothing is attached (Linux's find_vma finds
        // nothing there).
        if !addr.is_multiple_of(PAGE_SIZE) || addr >= TASK_SIZE {
            return Err(Errno::EINVAL);
        }
        let matches = |v: &Vma, want: Option<&Arc<SharedMem>>| match &v.backing {
            Backing::Shared { mem, offset } => {
                mem.is_sysv()
                    && want.is_none_or(|w| Arc::ptr_eq(w, mem))
                    && (v.start - addr) as u64 / PAGE_SIZE as u64 == offset / PAGE_SIZE as u64
            }
            _ => false,
        };
        let mut guard = self.mmu.lock();
        let st = &mut guard.data;
        let Some(first) = st.vmas.overlapping(addr, TASK_SIZE).find(|v| v.start >= addr && matches(v, None)).cloned() else {
            return Err(Errno::EINVAL);
        };
        let Backing::Shared { mem, .. } = &first.backing else { return Err(Errno::EINVAL) };
        let mem = mem.clone();
        // The rest of the attachment (pieces split off by mprotect): later
        // VMAs of the same memory whose offset matches their distance from
        // `addr`. Another attachment of the same segment starts at offset
        // 0 elsewhere, so it does not match.
        let ranges: Vec<(usize, usize)> = core::iter::once((first.start, first.end))
            .chain(
                st.vmas
                    .overlapping(first.end, TASK_SIZE)
                    .filter(|v| matches(v, Some(&mem)))
                    .map(|v| (v.start, v.end)),
            )
            .collect();
        let mut unmapped = Vec::new();
        for (start, end) in ranges {
            unmapped.push(self.unmap_locked(&mut guard, start, end));
        }
        drop(guard);
        drop(unmapped);
        Ok(mem)
    }
}

use AttachAt::Anywhere;
