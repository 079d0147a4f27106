//! Memory system calls: thin wrappers over the address space.

use abi::{Errno, KResult};
use mm::{MmapFile, MmapRequest};
use task::process::exec::OpenFileBacking;

use crate::ctx::SyscallContext;

/// brk(2). Under mlockall(MCL_FUTURE) growth is locked, so past
/// RLIMIT_MEMLOCK the break stays where it is (Linux mlock_future_check).
pub fn brk(cx: &mut SyscallContext<'_>, addr: u64) -> KResult<usize> {
    let vm = cx.vm();
    if vm.locks_new_mappings() {
        let old = vm.brk(0);
        let grow = mm::layout::page_align_up(addr as usize)
            .zip(mm::layout::page_align_up(old))
            .map_or(0, |(new_top, old_top)| new_top.saturating_sub(old_top));
        if grow > 0 && check_locked_mapping(cx, grow as u64, 0).is_err() {
            return Ok(old);
        }
    }
    Ok(vm.brk(addr as usize))
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
    if len != 0 {
        check_locked_mapping(cx, len, flags)?;
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

/// RLIMIT_MEMLOCK in pages for mm's lock calls: `None` for a privileged
/// caller (CAP_IPC_LOCK), EPERM for an unprivileged one whose limit is 0
/// (Linux can_do_mlock).
fn memlock_limit(cx: &SyscallContext<'_>) -> KResult<Option<usize>> {
    if cx.thread.process().cred.lock().is_privileged() {
        return Ok(None);
    }
    let limit = cx.thread.process().limits.lock().cur(task::rlimit::RLIMIT_MEMLOCK);
    if limit == 0 {
        return Err(Errno::EPERM);
    }
    Ok(Some(usize::try_from(limit / mm::PAGE_SIZE as u64).unwrap_or(usize::MAX)))
}

/// mlock(2) (flags 0) and mlock2(2): EINVAL for flags other than
/// MLOCK_ONFAULT, EPERM without the right to lock, then mm's checks.
pub fn mlock2(cx: &mut SyscallContext<'_>, addr: u64, len: u64, flags: u64) -> KResult<usize> {
    const MLOCK_ONFAULT: u64 = 1;
    if flags & !MLOCK_ONFAULT != 0 {
        return Err(Errno::EINVAL);
    }
    let limit = memlock_limit(cx)?;
    let mut lock = mm::VmaFlags::LOCKED;
    if flags & MLOCK_ONFAULT != 0 {
        lock |= mm::VmaFlags::LOCK_ON_FAULT;
    }
    cx.vm().mlock(addr as usize, len as usize, lock, limit).map(|_| 0)
}

pub fn munlock(cx: &mut SyscallContext<'_>, addr: u64, len: u64) -> KResult<usize> {
    cx.vm().mlock(addr as usize, len as usize, mm::VmaFlags::empty(), None).map(|_| 0)
}

/// mlockall(2): the flags are checked before the right to lock (Linux).
pub fn mlockall(cx: &mut SyscallContext<'_>, flags: u64) -> KResult<usize> {
    let valid = mm::MCL_CURRENT | mm::MCL_FUTURE | mm::MCL_ONFAULT;
    if flags == 0 || flags & !u64::from(valid) != 0 || flags == u64::from(mm::MCL_ONFAULT) {
        return Err(Errno::EINVAL);
    }
    let limit = memlock_limit(cx)?;
    cx.vm().mlockall(flags as u32, limit).map(|_| 0)
}

pub fn munlockall(cx: &mut SyscallContext<'_>) -> KResult<usize> {
    cx.vm().munlockall();
    Ok(0)
}

/// MAP_LOCKED, or any mapping under mlockall(MCL_FUTURE), is refused
/// without the right to lock (EPERM, MAP_LOCKED only) or when it would
/// pass RLIMIT_MEMLOCK (EAGAIN; Linux mlock_future_check).
fn check_locked_mapping(cx: &SyscallContext<'_>, len: u64, flags: u64) -> KResult<()> {
    const MAP_LOCKED: u64 = 0x2000;
    let explicit = flags & MAP_LOCKED != 0;
    if !explicit && !cx.vm().locks_new_mappings() {
        return Ok(());
    }
    let limit = match memlock_limit(cx) {
        Ok(limit) => limit,
        Err(e) if explicit => return Err(e),
        Err(_) => Some(0),
    };
    if let Some(limit) = limit {
        let pages = usize::try_from(len.div_ceil(mm::PAGE_SIZE as u64)).unwrap_or(usize::MAX);
        if pages.saturating_add(cx.vm().locked_pages()) > limit {
            return Err(Errno::EAGAIN);
        }
    }
    Ok(())
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
