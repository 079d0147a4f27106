//! File-descriptor system calls: I/O, descriptor table operations, pipes,
//! ioctl, and the fd-based metadata calls.
//!
//! Data moves through a kernel bounce buffer of at most `CHUNK` bytes: fs
//! works on kernel buffers and never touches user memory.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use abi::{Errno, KResult};
use fs::{FileType, OpenFile, OpenFlags, UserMemory};
use task::process::signal_send::send_to_thread;
use task::signal::{SIGPIPE, SigInfo};

use crate::ctx::SyscallContext;
use crate::interruptible;
use crate::sys::process::nofile_limit;

/// Largest transfer done in one step.
const CHUNK: usize = 64 * 1024;
/// Linux's UIO_MAXIOV.
const IOV_MAX: u64 = 1024;
const F_DUPFD: u64 = 0;
const F_GETFD: u64 = 1;
const F_SETFD: u64 = 2;
const F_GETFL: u64 = 3;
const F_SETFL: u64 = 4;
const F_GETLK: u64 = 5;
const F_SETLK: u64 = 6;
const F_SETLKW: u64 = 7;
const F_SETOWN: u64 = 8;
const F_GETOWN: u64 = 9;
const F_DUPFD_CLOEXEC: u64 = 1030;
const F_SETPIPE_SZ: u64 = 1031;
const F_GETPIPE_SZ: u64 = 1032;
const FD_CLOEXEC: u64 = 1;
const FIONBIO: u32 = 0x5421;
const FIONCLEX: u32 = 0x5450;
const FIOCLEX: u32 = 0x5451;

/// The open file behind `fd`.
pub fn file(cx: &SyscallContext<'_>, fd: u64) -> KResult<Arc<OpenFile>> {
    cx.thread.files().get(fd as i32)
}

/// User memory of the caller, for ioctls.
struct CallerMemory(Arc<mm::AddressSpace>);

impl UserMemory for CallerMemory {
    fn read(&self, addr: usize, buf: &mut [u8]) -> KResult<()> {
        self.0.copy_from_user(addr, buf)
    }

    fn write(&self, addr: usize, buf: &[u8]) -> KResult<()> {
        self.0.copy_to_user(addr, buf)
    }
}

/// Rejects buffers that reach into the kernel half before any waiting.
fn check_user_range(addr: u64, len: u64) -> KResult<()> {
    match addr.checked_add(len) {
        Some(end) if end <= mm::layout::TASK_SIZE as u64 => Ok(()),
        _ => Err(Errno::EFAULT),
    }
}

/// Makes sure `len` bytes at `addr` can be written before data is taken
/// from a file: a read into a bad buffer must fail with EFAULT without
/// consuming pipe or tty data (Linux copies straight into the user pages).
fn prefault_writable(cx: &SyscallContext<'_>, addr: u64, len: usize) -> KResult<()> {
    let vm = cx.vm();
    let start = addr & !4095;
    let end = addr + len as u64;
    let mut page = start;
    while page < end {
        vm.fault_in(page as usize, mm::Access::Write)?;
        page += 4096;
    }
    Ok(())
}

/// Reads once from `file` into `buf`, waiting (interruptibly) when the file
/// says so.
async fn read_once(cx: &SyscallContext<'_>, file: &Arc<OpenFile>, buf: &mut [u8]) -> KResult<usize> {
    interruptible(cx.thread, runtime::poll_fn(|wcx| file.poll_read(wcx, buf))).await
}

async fn write_once(cx: &SyscallContext<'_>, file: &Arc<OpenFile>, buf: &[u8]) -> KResult<usize> {
    interruptible(cx.thread, runtime::poll_fn(|wcx| file.poll_write(wcx, buf))).await
}

/// Whether reads of this file never block (regular files, directories):
/// those are done to completion rather than returned early.
fn is_seekable_data(file: &OpenFile) -> bool {
    file.inode().file_type() == FileType::Regular
}

/// Reads up to `len` bytes into user memory at `addr`.
async fn do_read(cx: &SyscallContext<'_>, file: &Arc<OpenFile>, addr: u64, len: usize) -> KResult<usize> {
    check_user_range(addr, len as u64)?;
    if !file.flags().readable() {
        return Err(Errno::EBADF);
    }
    if len == 0 || file.ignores_buffer() {
        return Ok(0);
    }
    let full = is_seekable_data(file);
    let mut kbuf = vec![0u8; len.min(CHUNK)];
    let mut done = 0;
    while done < len {
        let want = (len - done).min(CHUNK);
        prefault_writable(cx, addr + done as u64, want)?;
        let n = match read_once(cx, file, &mut kbuf[..want]).await {
            Ok(n) => n,
            Err(_) if done > 0 => return Ok(done),
            Err(e) => return Err(e),
        };
        cx.write_bytes(addr + done as u64, &kbuf[..n])?;
        done += n;
        if n < want || !full || between_chunks(cx).await {
            break;
        }
    }
    Ok(done)
}

/// Writes `len` bytes from user memory at `addr`. Blocking writes write
/// everything unless interrupted (then the count so far is returned).
async fn do_write(cx: &SyscallContext<'_>, file: &Arc<OpenFile>, addr: u64, len: usize) -> KResult<usize> {
    check_user_range(addr, len as u64)?;
    if !file.flags().writable() {
        return Err(Errno::EBADF);
    }
    if len == 0 || file.ignores_buffer() {
        return Ok(len);
    }
    let mut done = 0;
    while done < len {
        let want = (len - done).min(CHUNK);
        let kbuf = cx.read_bytes(addr + done as u64, want)?;
        let mut written = 0;
        while written < want {
            match write_once(cx, file, &kbuf[written..]).await {
                Ok(n) if file.writes_records() => return Ok(n),
                Ok(n) => written += n,
                Err(Errno::EPIPE) => {
                    let _ = send_to_thread(cx.thread, SigInfo::kernel(SIGPIPE));
                    return if done + written > 0 { Ok(done + written) } else { Err(Errno::EPIPE) };
                }
                Err(_) if done + written > 0 => return Ok(done + written),
                Err(e) => return Err(e),
            }
            if file.is_nonblocking() && written < want {
                return Ok(done + written);
            }
        }
        done += written;
        if done < len && between_chunks(cx).await {
            break;
        }
    }
    Ok(done)
}

/// Between two chunks of a long transfer (a read of a big file, a write to
/// /dev/null, sendfile, mincore's answer): lets other tasks have the CPU, and says whether a
/// signal ends the call early, with the count so far, as Linux's
/// `fatal_signal_pending`/`signal_pending` checks between pages do.
pub(crate) async fn between_chunks(cx: &SyscallContext<'_>) -> bool {
    if runtime::should_yield() {
        runtime::yield_now().await;
    }
    task::process::signal_send::has_interrupt(cx.thread)
}

pub async fn read(cx: &mut SyscallContext<'_>, fd: u64, buf: u64, count: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    if fs::socket::unix::UnixSocket::of(&f).is_some() {
        // One message, whole (a datagram larger than our chunks too).
        check_user_range(buf, count)?;
        // Boxed: a socket read's state is large, and every thread's future
        // would otherwise carry room for it (see `dispatch`).
        return Box::pin(crate::sys::socket::read(cx, &f, buf, count.min(i32::MAX as u64))).await;
    }
    do_read(cx, &f, buf, count.min(isize::MAX as u64) as usize).await
}

pub async fn write(cx: &mut SyscallContext<'_>, fd: u64, buf: u64, count: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    if fs::socket::unix::UnixSocket::of(&f).is_some() {
        // One message, with the caller's credentials, SIGPIPE on EPIPE.
        check_user_range(buf, count)?;
        return Box::pin(crate::sys::socket::write(cx, &f, buf, count.min(i32::MAX as u64))).await;
    }
    do_write(cx, &f, buf, count.min(isize::MAX as u64) as usize).await
}

/// Reads an iovec array: (base, len) pairs.
fn read_iovecs(cx: &SyscallContext<'_>, iov: u64, count: u64) -> KResult<Vec<(u64, u64)>> {
    if count > IOV_MAX {
        return Err(Errno::EINVAL);
    }
    let mut v = Vec::with_capacity(count as usize);
    let mut total: u64 = 0;
    for i in 0..count {
        let [base, len]: [u64; 2] = cx.read(iov + i * 16)?;
        total = total.checked_add(len).filter(|&t| t <= isize::MAX as u64).ok_or(Errno::EINVAL)?;
        v.push((base, len));
    }
    Ok(v)
}

pub async fn readv(cx: &mut SyscallContext<'_>, fd: u64, iov: u64, count: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    let iovecs = read_iovecs(cx, iov, count)?;
    let mut total = 0;
    for (base, len) in iovecs {
        let n = match do_read(cx, &f, base, len as usize).await {
            Ok(n) => n,
            Err(_) if total > 0 => return Ok(total),
            Err(e) => return Err(e),
        };
        total += n;
        if (n as u64) < len {
            break;
        }
    }
    Ok(total)
}

pub async fn writev(cx: &mut SyscallContext<'_>, fd: u64, iov: u64, count: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    let iovecs = read_iovecs(cx, iov, count)?;
    // Gather small vectors into one write so a writev to a pipe stays one
    // atomic record (musl's stdio writes header and body with writev).
    let total: u64 = iovecs.iter().map(|v| v.1).sum();
    if total as usize <= CHUNK {
        let mut kbuf = Vec::with_capacity(total as usize);
        for (base, len) in &iovecs {
            kbuf.extend(cx.read_bytes(*base, *len as usize)?);
        }
        if !f.flags().writable() {
            return Err(Errno::EBADF);
        }
        let mut written = 0;
        while written < kbuf.len() {
            match write_once(cx, &f, &kbuf[written..]).await {
                Ok(n) if f.writes_records() => return Ok(n),
                Ok(n) => written += n,
                Err(Errno::EPIPE) => {
                    let _ = send_to_thread(cx.thread, SigInfo::kernel(SIGPIPE));
                    return if written > 0 { Ok(written) } else { Err(Errno::EPIPE) };
                }
                Err(_) if written > 0 => return Ok(written),
                Err(e) => return Err(e),
            }
            if f.is_nonblocking() {
                break;
            }
        }
        return Ok(written);
    }
    let mut done = 0;
    for (base, len) in iovecs {
        match do_write(cx, &f, base, len as usize).await {
            Ok(n) if f.writes_records() => return Ok(n),
            Ok(n) => done += n,
            Err(_) if done > 0 => return Ok(done),
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

pub fn pread64(cx: &mut SyscallContext<'_>, fd: u64, buf: u64, count: u64, offset: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    check_user_range(buf, count)?;
    let mut kbuf = crate::ctx::zeroed_buffer((count as usize).min(1 << 24))?;
    let n = f.pread(offset as i64, &mut kbuf)?;
    cx.write_bytes(buf, &kbuf[..n])?;
    Ok(n)
}

pub fn pwrite64(cx: &mut SyscallContext<'_>, fd: u64, buf: u64, count: u64, offset: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    check_user_range(buf, count)?;
    let kbuf = cx.read_bytes(buf, (count as usize).min(1 << 24))?;
    f.pwrite(offset as i64, &kbuf)
}

pub fn preadv(cx: &mut SyscallContext<'_>, fd: u64, iov: u64, count: u64, offset: u64) -> KResult<usize> {
    let iovecs = read_iovecs(cx, iov, count)?;
    let mut total = 0u64;
    for (base, len) in iovecs {
        let n = pread64(cx, fd, base, len, offset + total)? as u64;
        total += n;
        if n < len {
            break;
        }
    }
    Ok(total as usize)
}

pub fn pwritev(cx: &mut SyscallContext<'_>, fd: u64, iov: u64, count: u64, offset: u64) -> KResult<usize> {
    let iovecs = read_iovecs(cx, iov, count)?;
    let mut total = 0u64;
    for (base, len) in iovecs {
        total += pwrite64(cx, fd, base, len, offset + total)? as u64;
    }
    Ok(total as usize)
}

pub fn lseek(cx: &mut SyscallContext<'_>, fd: u64, offset: u64, whence: u64) -> KResult<usize> {
    // SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE.
    if whence > 4 {
        return Err(Errno::EINVAL);
    }
    file(cx, fd)?.seek(offset as i64, whence as u32).map(|p| p as usize)
}

pub fn close(cx: &mut SyscallContext<'_>, fd: u64) -> KResult<usize> {
    // Only a message queue wants to hear of the close (its ->flush); other
    // files are not held past the close, so their release stays in it.
    let queue = cx.thread.files().get(fd as i32).ok().filter(|f| fs::mqueue::queue_of(f.ops()).is_ok());
    cx.thread.files().close(fd as i32)?;
    if let Some(file) = queue {
        crate::sys::mqueue::closed(cx, &file);
    }
    Ok(0)
}

pub fn close_range(cx: &mut SyscallContext<'_>, first: u64, last: u64, flags: u64) -> KResult<usize> {
    const CLOSE_RANGE_UNSHARE: u64 = 2;
    const CLOSE_RANGE_CLOEXEC: u64 = 4;
    if flags & !(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) != 0 || first > last {
        return Err(Errno::EINVAL);
    }
    cx.thread.files().close_range(first as u32, last as u32, flags & CLOSE_RANGE_CLOEXEC != 0).map(|_| 0)
}

pub fn dup(cx: &mut SyscallContext<'_>, fd: u64) -> KResult<usize> {
    let limit = nofile_limit(cx);
    cx.thread.files().dup(fd as i32, limit).map(|f| f as usize)
}

pub fn dup2(cx: &mut SyscallContext<'_>, old: u64, new: u64) -> KResult<usize> {
    let limit = nofile_limit(cx);
    cx.thread.files().dup2(old as i32, new as i32, limit).map(|f| f as usize)
}

pub fn dup3(cx: &mut SyscallContext<'_>, old: u64, new: u64, flags: u64) -> KResult<usize> {
    let limit = nofile_limit(cx);
    let flags = OpenFlags::from_bits(flags as u32).ok_or(Errno::EINVAL)?;
    cx.thread.files().dup3(old as i32, new as i32, flags, limit).map(|f| f as usize)
}

pub fn fcntl(cx: &mut SyscallContext<'_>, fd: u64, cmd: u64, arg: u64) -> KResult<usize> {
    let files = cx.thread.files();
    let limit = nofile_limit(cx);
    match cmd {
        F_DUPFD | F_DUPFD_CLOEXEC => {
            if arg as i32 as i64 >= limit as i64 || (arg as i32) < 0 {
                return Err(Errno::EINVAL);
            }
            files.dup_min(fd as i32, arg as i32, cmd == F_DUPFD_CLOEXEC, limit).map(|f| f as usize)
        }
        F_GETFD => files.cloexec(fd as i32).map(|c| if c { FD_CLOEXEC as usize } else { 0 }),
        F_SETFD => files.set_cloexec(fd as i32, arg & FD_CLOEXEC != 0).map(|_| 0),
        F_GETFL => Ok(files.get(fd as i32)?.flags().bits() as usize),
        F_SETFL => {
            let f = files.get(fd as i32)?;
            f.set_status_flags(OpenFlags::from_bits_truncate(arg as u32));
            Ok(0)
        }
        // Record locks: weft keeps no lock table yet. F_GETLK reports the
        // range free; F_SETLK(W) succeeds without detecting conflicts
        // (docs/syscalls.md lists this as partial).
        F_GETLK => {
            files.get(fd as i32)?;
            // l_type at offset 0 (short): F_UNLCK = 2.
            cx.write(arg, &2i16)?;
            Ok(0)
        }
        F_SETLK | F_SETLKW => {
            files.get(fd as i32)?;
            // The struct flock (32 bytes) is read, as Linux does: EFAULT.
            cx.read::<[u64; 4]>(arg)?;
            Ok(0)
        }
        F_GETOWN => files.get(fd as i32).map(|_| 0),
        F_SETOWN => files.get(fd as i32).map(|_| 0),
        F_GETPIPE_SZ | F_SETPIPE_SZ => {
            let f = files.get(fd as i32)?;
            // Linux get_pipe_info: only pipes and fifos, else EBADF.
            let pipe = f.ops().as_any().and_then(|a| a.downcast_ref::<fs::pipe::PipeOps>()).ok_or(Errno::EBADF)?.pipe();
            if cmd == F_GETPIPE_SZ {
                return Ok(pipe.size());
            }
            let privileged = cx.thread.process().cred.lock().is_privileged();
            // Linux pipe_fcntl takes the size as an unsigned int.
            pipe.set_size(arg as u32 as u64, privileged)
        }
        _ => Err(Errno::EINVAL),
    }
}

pub fn ioctl(cx: &mut SyscallContext<'_>, fd: u64, cmd: u64, arg: u64) -> KResult<usize> {
    let files = cx.thread.files();
    let f = files.get(fd as i32)?;
    match cmd as u32 {
        FIOCLEX => return files.set_cloexec(fd as i32, true).map(|_| 0),
        FIONCLEX => return files.set_cloexec(fd as i32, false).map(|_| 0),
        FIONBIO => {
            let on: i32 = cx.read(arg)?;
            let mut flags = f.flags() & OpenFlags::SETFL_MASK;
            flags.set(OpenFlags::NONBLOCK, on != 0);
            f.set_status_flags(flags);
            return Ok(0);
        }
        _ => {}
    }
    f.ioctl(cmd as u32, arg as usize, &CallerMemory(cx.vm()))
}

pub fn pipe2(cx: &mut SyscallContext<'_>, fds: u64, flags: u64) -> KResult<usize> {
    let allowed = OpenFlags::CLOEXEC | OpenFlags::NONBLOCK | OpenFlags::DIRECT;
    let flags = OpenFlags::from_bits(flags as u32).filter(|f| allowed.contains(*f)).ok_or(Errno::EINVAL)?;
    crate::sys::process::may_open_file(cx)?;
    let cred = cx.thread.process().cred.lock().clone();
    let maker = fs::pipe::PipeMaker { ruid: cred.uid, privileged: cred.is_privileged() };
    let (r, w) = fs::pipe::new_user_pipe(flags & !OpenFlags::CLOEXEC, cred.euid, cred.egid, maker)?;
    let files = cx.thread.files();
    let limit = nofile_limit(cx);
    let cloexec = flags.contains(OpenFlags::CLOEXEC);
    let rfd = files.insert(r, cloexec, limit)?;
    let wfd = match files.insert(w, cloexec, limit) {
        Ok(fd) => fd,
        Err(e) => {
            let _ = files.close(rfd);
            return Err(e);
        }
    };
    if let Err(e) = cx.write(fds, &[rfd, wfd]) {
        let _ = files.close(rfd);
        let _ = files.close(wfd);
        return Err(e);
    }
    Ok(0)
}

pub async fn sendfile(cx: &mut SyscallContext<'_>, out_fd: u64, in_fd: u64, offset_ptr: u64, count: u64) -> KResult<usize> {
    let input = file(cx, in_fd)?;
    let output = file(cx, out_fd)?;
    if !input.flags().readable() || !output.flags().writable() {
        return Err(Errno::EBADF);
    }
    let mut offset = if offset_ptr != 0 { Some(cx.read::<i64>(offset_ptr)?) } else { None };
    let mut done = 0usize;
    let mut kbuf = vec![0u8; CHUNK];
    while (done as u64) < count {
        let want = ((count as usize) - done).min(CHUNK);
        let n = match offset {
            Some(off) => input.pread(off, &mut kbuf[..want])?,
            None => read_once(cx, &input, &mut kbuf[..want]).await?,
        };
        if n == 0 {
            break;
        }
        let mut written = 0;
        while written < n {
            written += write_once(cx, &output, &kbuf[written..n]).await?;
        }
        done += n;
        if let Some(off) = offset.as_mut() {
            *off += n as i64;
        }
        if between_chunks(cx).await {
            break;
        }
    }
    if let Some(off) = offset {
        cx.write(offset_ptr, &off)?;
    }
    Ok(done)
}

pub fn ftruncate(cx: &mut SyscallContext<'_>, fd: u64, len: u64) -> KResult<usize> {
    file(cx, fd)?.truncate(len as i64).map(|_| 0)
}

pub fn fsync(cx: &mut SyscallContext<'_>, fd: u64) -> KResult<usize> {
    file(cx, fd).map(|_| 0)
}

pub fn getdents64(cx: &mut SyscallContext<'_>, fd: u64, dirp: u64, count: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    check_user_range(dirp, count)?;
    let mut kbuf = vec![0u8; (count as usize).min(CHUNK)];
    let n = f.getdents64(&mut kbuf)?;
    cx.write_bytes(dirp, &kbuf[..n])?;
    Ok(n)
}

pub fn fstat(cx: &mut SyscallContext<'_>, fd: u64, statbuf: u64) -> KResult<usize> {
    let meta = file(cx, fd)?.metadata();
    cx.write_bytes(statbuf, &fs::stat::encode_stat(&meta))?;
    Ok(0)
}

pub fn fchdir(cx: &mut SyscallContext<'_>, fd: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    let loc = f.location().cloned().ok_or(Errno::ENOTDIR)?;
    if loc.inode().file_type() != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    cx.thread.fs().set_cwd(loc);
    Ok(0)
}

pub fn fchmod(cx: &mut SyscallContext<'_>, fd: u64, mode: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    let attr = fs::SetAttr { mode: Some(mode as u32 & 0o7777), ..Default::default() };
    crate::sys::path::with_resolver(cx, |r| r.set_attr(f.inode(), &attr)).map(|_| 0)
}

pub fn fchown(cx: &mut SyscallContext<'_>, fd: u64, uid: u64, gid: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    let id = |v: u64| (v as u32 != u32::MAX).then_some(v as u32);
    let attr = fs::SetAttr { uid: id(uid), gid: id(gid), ..Default::default() };
    crate::sys::path::with_resolver(cx, |r| r.set_attr(f.inode(), &attr)).map(|_| 0)
}

pub fn fstatfs(cx: &mut SyscallContext<'_>, fd: u64, buf: u64) -> KResult<usize> {
    let f = file(cx, fd)?;
    let loc = f.location().cloned().ok_or(Errno::EBADF)?;
    let bytes = fs::stat::encode_statfs(&loc.mount().fs().statfs(), f.metadata().dev);
    cx.write_bytes(buf, &bytes)?;
    Ok(0)
}

/// flock(2): validates the operation; weft keeps no lock table yet, so
/// locks never conflict (docs/syscalls.md: partial).
pub fn flock(cx: &mut SyscallContext<'_>, fd: u64, op: u64) -> KResult<usize> {
    const LOCK_SH: u64 = 1;
    const LOCK_EX: u64 = 2;
    const LOCK_NB: u64 = 4;
    const LOCK_UN: u64 = 8;
    file(cx, fd)?;
    match op & !LOCK_NB {
        LOCK_SH | LOCK_EX | LOCK_UN => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}
