//! mmap, munmap and mprotect, with Linux's argument checks and placement.
//!
//! Checks follow Linux v6.1 `mm/mmap.c` (`do_mmap`, `get_unmapped_area`,
//! `__do_munmap`), `mm/mprotect.c` (`do_mprotect_pkey`) and
//! `arch/x86/kernel/sys_x86_64.c` (`sys_mmap`, `arch_get_unmapped_area_topdown`),
//! in the same order, so the same bad call fails with the same errno.
//! <https://elixir.bootlin.com/linux/v6.1/source/mm/mmap.c>

use alloc::sync::Arc;

use abi::linux as l;
use abi::{Errno, KResult};

use crate::PAGE_SIZE;
use crate::fault::Access;
use crate::file::FileBacking;
use crate::layout::{self, MMAP_MIN_ADDR, TASK_SIZE, TASK_UNMAPPED_BASE};
use crate::shared::SharedMem;
use crate::space::{AddressSpace, State};
use crate::vma::{Backing, Prot, Vma, VmaFlags};

/// A file to map, with the access mode it was opened with.
#[derive(Clone)]
pub struct MmapFile {
    pub backing: Arc<dyn FileBacking>,
    /// Opened for reading (required for any mapping: EACCES).
    pub readable: bool,
    /// Opened for writing (required for a writable shared mapping).
    pub writable: bool,
}

/// The arguments of mmap(2), decoded by the syscall layer (which looks up
/// the fd: EBADF is its business).
#[derive(Clone)]
pub struct MmapRequest {
    pub addr: usize,
    pub len: usize,
    /// `PROT_*` bits.
    pub prot: u32,
    /// `MAP_*` bits.
    pub flags: u32,
    /// File offset in bytes.
    pub offset: u64,
    /// `None` with MAP_ANONYMOUS.
    pub file: Option<MmapFile>,
}

impl MmapRequest {
    /// An anonymous mapping request.
    pub fn anon(addr: usize, len: usize, prot: u32, flags: u32) -> Self {
        Self { addr, len, prot, flags: flags | l::MAP_ANONYMOUS, offset: 0, file: None }
    }
}

/// Flags Linux accepts with MAP_SHARED_VALIDATE (`LEGACY_MAP_MASK` plus
/// MAP_FIXED_NOREPLACE).
const VALIDATE_MASK: u32 = l::MAP_SHARED
    | l::MAP_PRIVATE
    | l::MAP_FIXED
    | l::MAP_ANONYMOUS
    | l::MAP_DENYWRITE
    | l::MAP_EXECUTABLE
    | l::MAP_UNINITIALIZED
    | l::MAP_GROWSDOWN
    | l::MAP_LOCKED
    | l::MAP_NORESERVE
    | l::MAP_POPULATE
    | l::MAP_NONBLOCK
    | l::MAP_STACK
    | l::MAP_HUGETLB
    | l::MAP_FIXED_NOREPLACE;

pub(crate) fn prot_from_bits(bits: u32) -> Prot {
    Prot::from_bits_truncate(bits & (l::PROT_READ | l::PROT_WRITE | l::PROT_EXEC))
}

/// Fails with ENOMEM if `extra` more bytes would pass RLIMIT_AS.
pub(crate) fn check_as_limit(st: &State, extra: usize) -> KResult<()> {
    let total = st.vmas.total_bytes().checked_add(extra).ok_or(Errno::ENOMEM)?;
    if total > st.as_limit { Err(Errno::ENOMEM) } else { Ok(()) }
}

/// Where MAP_32BIT mappings go (Linux's find_start_end).
const MAP_32BIT_START: usize = 0x4000_0000;
const MAP_32BIT_END: usize = 0x8000_0000;

/// The hint, if the `len` bytes there are free.
fn find_area_hinted(st: &State, hint: usize, len: usize) -> Option<usize> {
    let hint = layout::page_align_down(hint);
    (hint != 0 && len <= TASK_SIZE && hint <= TASK_SIZE - len && hint >= MMAP_MIN_ADDR && st.vmas.is_free_with_gaps(hint, hint + len))
        .then_some(hint)
}

/// Chooses where a non-fixed mapping of `len` bytes goes: the hint if that
/// range is free, else the highest free range below the mmap base, else
/// the lowest one above `TASK_UNMAPPED_BASE` (Linux's top-down allocator
/// with its bottom-up fallback).
pub(crate) fn find_area(st: &State, hint: usize, len: usize) -> KResult<usize> {
    if len > TASK_SIZE {
        return Err(Errno::ENOMEM);
    }
    if let Some(addr) = find_area_hinted(st, hint, len) {
        return Ok(addr);
    }
    st.vmas
        .find_gap_topdown(len, MMAP_MIN_ADDR, st.mmap_base)
        .or_else(|| st.vmas.find_gap_bottomup(len, TASK_UNMAPPED_BASE, TASK_SIZE))
        .ok_or(Errno::ENOMEM)
}

impl AddressSpace {
    /// mmap(2). Returns the address of the new mapping.
    pub fn mmap(&self, req: MmapRequest) -> KResult<usize> {
        // sys_mmap
        if !req.offset.is_multiple_of(PAGE_SIZE as u64) {
            return Err(Errno::EINVAL);
        }
        // do_mmap
        if req.len == 0 {
            return Err(Errno::EINVAL);
        }
        let mut flags = req.flags;
        if flags & l::MAP_FIXED_NOREPLACE != 0 {
            flags |= l::MAP_FIXED;
        }
        let fixed = flags & l::MAP_FIXED != 0;
        let mut addr = req.addr;
        if !fixed {
            // round_hint_to_min
            addr = layout::page_align_down(addr);
            if addr != 0 && addr < MMAP_MIN_ADDR {
                addr = MMAP_MIN_ADDR;
            }
        }
        let len = layout::page_align_up(req.len).filter(|&l| l != 0).ok_or(Errno::ENOMEM)?;
        let pgoff = req.offset / PAGE_SIZE as u64;
        if pgoff.checked_add((len / PAGE_SIZE) as u64).is_none() {
            return Err(Errno::EOVERFLOW);
        }
        let anon = flags & l::MAP_ANONYMOUS != 0;
        let file = if anon { None } else { Some(req.file.clone().ok_or(Errno::EBADF)?) };
        // Linux's file_mmap_ok: the mapped part of a file ends within the
        // largest file size (MAX_LFS_FILESIZE).
        if file.is_some() && req.offset.checked_add(len as u64).is_none_or(|end| end > i64::MAX as u64) {
            return Err(Errno::EOVERFLOW);
        }
        let prot = prot_from_bits(req.prot);
        // A shared mapping of a file with a page cache maps the cache's
        // frames. Asking the file is a call into the file system, so it
        // happens before the lock; the space is listed as a mapper of the
        // cache before the VMA exists (see `cache::rmap`; if the call fails
        // below, the entry is harmless).
        let cache = match &file {
            Some(f) if flags & l::MAP_TYPE != l::MAP_PRIVATE => f.backing.page_cache(),
            _ => None,
        };
        if let Some(pages) = &cache {
            pages.add_mapper(&self.me);
        }

        let mut guard = self.mmu.lock();
        let st = &mut guard.data;
        if st.vmas.count() > layout::max_map_count() {
            return Err(Errno::ENOMEM);
        }
        // get_unmapped_area
        let addr = if fixed {
            if len > TASK_SIZE || addr > TASK_SIZE - len {
                return Err(Errno::ENOMEM);
            }
            if !layout::is_page_aligned(addr) {
                return Err(Errno::EINVAL);
            }
            if addr < MMAP_MIN_ADDR {
                return Err(Errno::EPERM);
            }
            addr
        } else {
            match find_area_hinted(st, addr, len) {
                Some(addr) => addr,
                // MAP_32BIT: the first 2 GiB, bottom-up from 1 GiB (Linux's
                // find_start_end; code of the small model, LDT bases).
                None if flags & l::MAP_32BIT != 0 => {
                    st.vmas.find_gap_bottomup(len, MAP_32BIT_START, MAP_32BIT_END).ok_or(Errno::ENOMEM)?
                }
                None => find_area(st, 0, len)?,
            }
        };
        if flags & l::MAP_FIXED_NOREPLACE != 0 && st.vmas.overlaps(addr, addr + len) {
            return Err(Errno::EEXIST);
        }
        let grows_down = flags & l::MAP_GROWSDOWN != 0;
        let mut vma = Vma { grows_down, ..Vma::anon(addr, addr + len, prot) };
        // MAP_LOCKED, or mlockall(MCL_FUTURE) in force (Linux mm->def_flags).
        vma.flags = st.def_flags;
        if flags & l::MAP_LOCKED != 0 {
            vma.flags |= VmaFlags::LOCKED;
        }
        let populate_locked = vma.flags.contains(VmaFlags::LOCKED) && !vma.flags.contains(VmaFlags::LOCK_ON_FAULT);
        let map_type = flags & l::MAP_TYPE;
        match file {
            Some(file) => {
                if flags & l::MAP_HUGETLB != 0 {
                    return Err(Errno::EINVAL);
                }
                match map_type {
                    l::MAP_SHARED | l::MAP_SHARED_VALIDATE => {
                        if map_type == l::MAP_SHARED_VALIDATE && flags & !VALIDATE_MASK != 0 {
                            return Err(Errno::EOPNOTSUPP);
                        }
                        if prot.contains(Prot::WRITE) && !file.writable {
                            return Err(Errno::EACCES);
                        }
                        if !file.readable {
                            return Err(Errno::EACCES);
                        }
                        // Without a page cache a shared mapping can only be
                        // a read-only private copy (Linux: no mmap -> ENODEV).
                        if cache.is_none() && prot.contains(Prot::WRITE) {
                            return Err(Errno::ENODEV);
                        }
                        if grows_down {
                            return Err(Errno::EINVAL);
                        }
                        vma.shared = true;
                        // VM_MAYWRITE only for a file opened for writing.
                        vma.max_prot = if cache.is_some() && file.writable { Prot::all() } else { Prot::READ | Prot::EXEC };
                    }
                    l::MAP_PRIVATE => {
                        if !file.readable {
                            return Err(Errno::EACCES);
                        }
                        if grows_down {
                            return Err(Errno::EINVAL);
                        }
                    }
                    _ => return Err(Errno::EINVAL),
                }
                vma.backing = match cache {
                    Some(pages) if vma.shared => Backing::SharedFile { file: file.backing, pages, offset: req.offset },
                    _ => Backing::File { file: file.backing, offset: req.offset },
                };
            }
            None => match map_type {
                l::MAP_SHARED | l::MAP_SHARED_VALIDATE => {
                    if map_type == l::MAP_SHARED_VALIDATE && flags & !VALIDATE_MASK != 0 {
                        return Err(Errno::EOPNOTSUPP);
                    }
                    if grows_down {
                        return Err(Errno::EINVAL);
                    }
                    vma.shared = true;
                    vma.backing = Backing::Shared { mem: SharedMem::new(), offset: 0 };
                }
                l::MAP_PRIVATE => {
                    if flags & l::MAP_HUGETLB != 0 {
                        // No huge pages reserved (vm.nr_hugepages = 0).
                        return Err(Errno::ENOMEM);
                    }
                }
                _ => return Err(Errno::EINVAL),
            },
        }
        let replaced: usize = st.vmas.overlapping(addr, addr + len).map(|v| v.end.min(addr + len) - v.start.max(addr)).sum();
        check_as_limit(st, len - replaced)?;
        let unmapped = if fixed { self.unmap_locked(&mut guard, addr, addr + len) } else { Default::default() };
        guard.data.vmas.insert(vma);
        drop(guard);
        drop(unmapped);
        // Linux do_mmap: a locked mapping is populated like MAP_POPULATE.
        if flags & l::MAP_POPULATE != 0 || populate_locked {
            let access = if prot.contains(Prot::WRITE) && map_type == l::MAP_PRIVATE { Access::Write } else { Access::Read };
            self.populate(addr, addr + len, access);
        }
        Ok(addr)
    }

    /// Faults in `start..end` ahead of use (MAP_POPULATE, MADV_POPULATE_*);
    /// stops at the first page that cannot be brought in.
    pub(crate) fn populate(&self, start: usize, end: usize, access: Access) -> bool {
        (start..end).step_by(PAGE_SIZE).all(|page| self.handle_fault(page, access, false).is_ok())
    }

    /// munmap(2). Unmapping a range with nothing mapped succeeds.
    pub fn munmap(&self, addr: usize, len: usize) -> KResult<()> {
        if !layout::is_page_aligned(addr) || addr > TASK_SIZE || len > TASK_SIZE - addr {
            return Err(Errno::EINVAL);
        }
        let len = layout::page_align_up(len).ok_or(Errno::EINVAL)?;
        if len == 0 {
            return Err(Errno::EINVAL);
        }
        let mut guard = self.mmu.lock();
        // Linux do_vmi_munmap: a hole in the middle of a VMA splits it in
        // two, which may not pass vm.max_map_count.
        let splits_one = guard.data.vmas.find(addr).is_some_and(|v| v.start < addr && addr + len < v.end);
        if splits_one && guard.data.vmas.count() >= layout::max_map_count() {
            return Err(Errno::ENOMEM);
        }
        let unmapped = self.unmap_locked(&mut guard, addr, addr + len);
        drop(guard);
        drop(unmapped);
        Ok(())
    }

    /// mprotect(2). Like Linux, VMAs before a hole or a forbidden VMA keep
    /// their new protection when the call fails there.
    pub fn mprotect(&self, addr: usize, len: usize, prot_bits: u32) -> KResult<()> {
        let grows = prot_bits & (l::PROT_GROWSDOWN | l::PROT_GROWSUP);
        let bits = prot_bits & !grows;
        if grows == (l::PROT_GROWSDOWN | l::PROT_GROWSUP) {
            return Err(Errno::EINVAL);
        }
        if !layout::is_page_aligned(addr) {
            return Err(Errno::EINVAL);
        }
        if len == 0 {
            return Ok(());
        }
        let len = layout::page_align_up(len).ok_or(Errno::ENOMEM)?;
        let mut end = addr.checked_add(len).ok_or(Errno::ENOMEM)?;
        if end <= addr {
            return Err(Errno::ENOMEM);
        }
        if bits & !(l::PROT_READ | l::PROT_WRITE | l::PROT_EXEC | l::PROT_SEM) != 0 {
            return Err(Errno::EINVAL);
        }
        let prot = prot_from_bits(bits);
        let mut guard = self.mmu.lock();
        let (mut pt, st) = guard.split();
        let first = st.vmas.first_ending_after(addr).ok_or(Errno::ENOMEM)?;
        let mut start = addr;
        if grows & l::PROT_GROWSDOWN != 0 {
            if first.start >= end {
                return Err(Errno::ENOMEM);
            }
            start = first.start;
            if !first.grows_down {
                return Err(Errno::EINVAL);
            }
        } else {
            if first.start > start {
                return Err(Errno::ENOMEM);
            }
            if grows & l::PROT_GROWSUP != 0 {
                return Err(Errno::EINVAL); // no VM_GROWSUP VMAs on x86
            }
        }
        end = end.min(TASK_SIZE);
        let mut cur = start;
        let mut result = Ok(());
        while cur < end {
            let Some(vma) = st.vmas.find(cur) else {
                result = Err(Errno::ENOMEM);
                break;
            };
            if !vma.max_prot.contains(prot) {
                result = Err(Errno::EACCES);
                break;
            }
            let piece_end = vma.end.min(end);
            // Linux split_vma: each split needs the count below vm.max_map_count.
            let splits = usize::from(cur > vma.start) + usize::from(piece_end < vma.end);
            if vma.prot != prot && splits > 0 && st.vmas.count() + splits > layout::max_map_count() {
                result = Err(Errno::ENOMEM);
                break;
            }
            st.vmas.update_range(cur, piece_end, |v| v.prot = prot);
            // Entries lose rights now; rights are gained lazily by faults
            // (a private page may be shared copy-on-write).
            pt.update_range(cur, piece_end, |_, pte| {
                Some(crate::pt::PteFlags {
                    readable: !prot.is_empty(),
                    writable: pte.flags.writable && prot.contains(Prot::WRITE),
                    executable: prot.contains(Prot::EXEC),
                })
            });
            cur = piece_end;
        }
        if cur > start {
            self.mmu.flush(start, cur);
        }
        result
    }
}
