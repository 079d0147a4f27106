//! Memory system calls: thin wrappers over the address space.

use abi::{Errno, KResult};
use mm::{MmapFile, MmapRequest};
use task::process::exec::OpenFileBacking;

use crate::ctx::SyscallContext;

pub fn brk(cx: &mut SyscallContext<'_>, addr: u64) -> KResult<usize> {
    Ok(cx.vm().brk(addr as usize))
}

pub fn mmap(cx: &mut SyscallContext<'_>, addr: u64, len: u64, prot: u64, flags: u64, fd: u64, offset: u64) -> KResult<usize> {
    const MAP_ANONYMOUS: u64 = 0x20;
    let file = if flags & MAP_ANONYMOUS == 0 {
        let open = cx.thread.files().get(fd as i32)?;
        // Only regular files can be mapped (Linux: no mmap op -> ENODEV).
        if open.inode().file_type() != fs::FileType::Regular || !open.inode().mappable() {
            return Err(Errno::ENODEV);
        }
        let flags = open.flags();
        let root = cx.thread.fs().root();
        Some(MmapFile { backing: OpenFileBacking::new(open.clone(), root), readable: flags.readable(), writable: flags.writable() })
    } else {
        None
    };
    if offset % 4096 != 0 {
        return Err(Errno::EINVAL);
    }
    cx.vm().mmap(MmapRequest { addr: addr as usize, len: len as usize, prot: prot as u32, flags: flags as u32, offset, file })
}

pub fn munmap(cx: &mut SyscallContext<'_>, addr: u64, len: u64) -> KResult<usize> {
    cx.vm().munmap(addr as usize, len as usize).map(|_| 0)
}

pub fn mprotect(cx: &mut SyscallContext<'_>, addr: u64, len: u64, prot: u64) -> KResult<usize> {
    cx.vm().mprotect(addr as usize, len as usize, prot as u32).map(|_| 0)
}

pub fn mremap(cx: &mut SyscallContext<'_>, old: u64, old_len: u64, new_len: u64, flags: u64, new_addr: u64) -> KResult<usize> {
    cx.vm().mremap(old as usize, old_len as usize, new_len as usize, flags as u32, new_addr as usize)
}

/// mlock(2)/munlock(2): ENOMEM unless the whole range is mapped. Without
/// privilege a lock is bounded by RLIMIT_MEMLOCK, as on Linux (EPERM when
/// it is 0, ENOMEM past it; weft keeps no count of what is already locked,
/// so each call is measured alone).
pub fn mlock(cx: &mut SyscallContext<'_>, addr: u64, len: u64, lock: bool) -> KResult<usize> {
    if lock && !cx.thread.process().cred.lock().is_privileged() {
        let limit = cx.thread.process().limits.lock().cur(task::rlimit::RLIMIT_MEMLOCK);
        if limit == 0 {
            return Err(Errno::EPERM);
        }
        let pages = len.div_ceil(mm::PAGE_SIZE as u64) + u64::from(addr % mm::PAGE_SIZE as u64 != 0);
        if pages > limit / mm::PAGE_SIZE as u64 {
            return Err(Errno::ENOMEM);
        }
    }
    cx.vm().mlock(addr as usize, len as usize, lock).map(|_| 0)
}

pub fn madvise(cx: &mut SyscallContext<'_>, addr: u64, len: u64, advice: u64) -> KResult<usize> {
    cx.vm().madvise(addr as usize, len as usize, advice as u32).map(|_| 0)
}

/// Pages mincore asks the address space about at a time.
const MINCORE_CHUNK_PAGES: usize = 4096;

/// mincore(2), a chunk at a time as Linux does: a range may be terabytes
/// of PROT_NONE reservation, whose answer is written out as it is found
/// (no kernel buffer of a user's size), with the CPU shared and a signal
/// heeded between chunks.
pub async fn mincore(cx: &mut SyscallContext<'_>, addr: u64, len: u64, vec: u64) -> KResult<usize> {
    const PAGE: usize = mm::PAGE_SIZE;
    let (addr, len) = (addr as usize, len as usize);
    if addr % PAGE != 0 {
        return Err(Errno::EINVAL);
    }
    let end = mm::layout::page_align_up(len)
        .and_then(|len| addr.checked_add(len))
        .filter(|&end| end <= mm::layout::TASK_SIZE)
        .ok_or(Errno::ENOMEM)?;
    let mut at = addr;
    while at < end {
        let n = (end - at).min(MINCORE_CHUNK_PAGES * PAGE);
        let residency = cx.vm().mincore(at, n)?;
        let out = vec.checked_add(((at - addr) / PAGE) as u64).ok_or(Errno::EFAULT)?;
        cx.write_bytes(out, &residency)?;
        at += n;
        if at < end && crate::sys::fd::between_chunks(cx).await {
            return Err(Errno::EINTR);
        }
    }
    Ok(0)
}

pub fn msync(cx: &mut SyscallContext<'_>, addr: u64, len: u64, flags: u64) -> KResult<usize> {
    cx.vm().msync(addr as usize, len as usize, flags as u32).map(|_| 0)
}
